import Foundation

/// A Dockerfile read the way the builder reads it: comment lines and blank lines dropped,
/// backslash continuations joined, one instruction per entry, grouped into build stages.
/// Just enough of the format to check the project's own Dockerfiles against its rules.
struct Dockerfile: Sendable {
    /// One instruction: its keyword upper-cased (`RUN`, `COPY`) and the rest of the line.
    struct Instruction: Sendable, Equatable {
        let keyword: String
        let arguments: String
    }

    /// The instructions from one `FROM` up to the next.
    struct Stage: Sendable {
        /// The image the stage starts from (`swift:6.3.1-bookworm`).
        let base: String
        /// The `AS` name, if any.
        let name: String?
        /// Every instruction after the `FROM`.
        let instructions: [Instruction]

        /// The instructions with `keyword`, in order.
        func all(_ keyword: String) -> [Instruction] {
            instructions.filter { $0.keyword == keyword }
        }
    }

    let stages: [Stage]

    init(contentsOf path: String) throws {
        try self.init(text: String(contentsOfFile: path, encoding: .utf8))
    }

    init(text: String) throws {
        var stages: [Stage] = []
        var current: (base: String, name: String?, instructions: [Instruction])?
        for line in Self.logicalLines(text) {
            let keyword = String(line.prefix { !$0.isWhitespace }).uppercased()
            let arguments = line.dropFirst(keyword.count).trimmingCharacters(in: .whitespaces)
            if keyword == "FROM" {
                if let current { stages.append(Stage(base: current.base, name: current.name, instructions: current.instructions)) }
                let words = arguments.split(separator: " ").map(String.init).filter { !$0.hasPrefix("--") }
                guard let base = words.first else { throw DockerfileError("FROM without an image") }
                let name = words.count >= 3 && words[1].uppercased() == "AS" ? words[2] : nil
                current = (base, name, [])
            } else if current == nil {
                if keyword != "ARG" { throw DockerfileError("\(keyword) before the first FROM") }
            } else {
                current?.instructions.append(Instruction(keyword: keyword, arguments: arguments))
            }
        }
        if let current { stages.append(Stage(base: current.base, name: current.name, instructions: current.instructions)) }
        guard !stages.isEmpty else { throw DockerfileError("no FROM") }
        self.stages = stages
    }

    /// Joins `\`-continued lines and drops comments and blank lines (also inside a
    /// continuation, as the builder does).
    static func logicalLines(_ text: String) -> [String] {
        var lines: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasSuffix("\\") {
                pending += String(line.dropLast()) + " "
            } else {
                let joined = (pending + line).trimmingCharacters(in: .whitespaces)
                pending = ""
                if !joined.isEmpty { lines.append(joined) }
            }
        }
        return lines
    }

    /// The argument vector of an exec-form (JSON array) instruction, or nil for shell form.
    static func execForm(_ arguments: String) -> [String]? {
        guard arguments.hasPrefix("["),
              let vector = try? JSONDecoder().decode([String].self, from: Data(arguments.utf8)),
              !vector.isEmpty
        else { return nil }
        return vector
    }

    /// A `HEALTHCHECK` split into its `--option=value` settings and its `CMD` arguments.
    static func healthcheck(_ arguments: String) -> (options: [String: String], command: String)? {
        var rest = Substring(arguments)
        var options: [String: String] = [:]
        while rest.hasPrefix("--") {
            let word = rest.prefix { !$0.isWhitespace }
            let pair = word.dropFirst(2).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { options[String(pair[0])] = String(pair[1]) }
            rest = rest.dropFirst(word.count).drop { $0.isWhitespace }
        }
        guard rest.uppercased().hasPrefix("CMD") else { return nil }
        return (options, rest.dropFirst(3).trimmingCharacters(in: .whitespaces))
    }
}

/// A Dockerfile the parser could not make sense of.
struct DockerfileError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
