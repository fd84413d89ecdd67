import Foundation
import TestSupport

/// scripts/backup.sh and scripts/restore.sh, run as an operator runs them.
enum BackupScripts {
    /// Runs backup.sh with `arguments` and `environment`; returns the new set's folder (the
    /// last line the script prints).
    @discardableResult
    static func backup(_ arguments: [String], environment: [String: String]) async throws -> String {
        let output = try await ShellCommand.run("/bin/bash", [Repository.path("scripts/backup.sh")] + arguments,
                                                environment: environment)
        guard let last = output.split(separator: "\n").last.map(String.init), last.hasPrefix("/") else {
            throw BackupScriptError(description: "backup.sh printed no set path:\n\(output)")
        }
        return last
    }

    /// Runs restore.sh on `set` with `arguments` and `environment`; returns its output.
    @discardableResult
    static func restore(_ set: String, _ arguments: [String], environment: [String: String]) async throws -> String {
        try await ShellCommand.run("/bin/bash", [Repository.path("scripts/restore.sh"), set] + arguments,
                                   environment: environment)
    }

    /// The names of the backup sets (pcs-…) in `directory`, oldest first.
    static func sets(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("pcs-") }.sorted()
    }

    /// The set name backup.sh would give a set taken `age` ago.
    static func setName(age: TimeInterval) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "pcs-" + formatter.string(from: Date().addingTimeInterval(-age))
    }
}

/// A backup script did not do what it promises.
struct BackupScriptError: Error, CustomStringConvertible {
    let description: String
}
