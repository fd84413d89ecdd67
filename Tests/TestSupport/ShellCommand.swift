import Foundation

/// Runs a command to completion and returns its combined output.
///
/// It uses `posix_spawn` and `waitpid` rather than Foundation's `Process`, because
/// `Process` keeps reporting a child as running for as long as anything the child started
/// in the background lives (scripts/daemons.sh leaves the daemons running, by design).
/// The child gets an empty signal mask, so what it starts can be stopped with SIGTERM
/// (the test runner's threads block it), and the wait happens on a thread of its own.
public enum ShellCommand {
    public struct Failed: Error, CustomStringConvertible {
        public let command: String
        public let status: Int32
        public let output: String
        public var description: String { "\(command) exited \(status):\n\(output)" }
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("cmd-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let command = ([executable] + arguments).joined(separator: " ")
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pid = try spawn(executable, arguments, environment: merged, log: log)
        let status = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                continuation.resume(returning: status)
            }
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else { throw Failed(command: command, status: exitCode, output: output) }
        return output
    }

    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours goes with it. SwiftNIO opens its sockets without CLOEXEC, so a
        // child (a daemon scripts/daemons.sh leaves running) would otherwise hold a copy of
        // every connection the tests have open at that moment, and a test's close would no
        // longer reach its peer.
        closeFrom(3, in: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Failed(command: executable, status: result, output: "posix_spawn failed: \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+), which Swift does not import.
    private static func closeFrom(_ lowest: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
    }
}
