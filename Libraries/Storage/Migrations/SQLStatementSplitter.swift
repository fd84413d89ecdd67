import Foundation

/// Splits a migration script into single statements, because postgres-nio runs one
/// statement per query (extended protocol). Semicolons inside quotes, quoted identifiers,
/// comments and dollar-quoted bodies do not split.
public enum SQLStatementSplitter {
    public static func split(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let chars = Array(script)
        var index = 0
        func flush() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty, !isOnlyComments(trimmed) { statements.append(trimmed) }
            current = ""
        }
        while index < chars.count {
            let char = chars[index]
            switch char {
            case "'", "\"":
                let end = closingIndex(of: char, in: chars, from: index + 1)
                current += String(chars[index..<end])
                index = end
                continue
            case "-" where index + 1 < chars.count && chars[index + 1] == "-":
                let end = chars[index...].firstIndex(of: "\n") ?? chars.count
                current += String(chars[index..<end])
                index = end
                continue
            case "$":
                if let tagEnd = dollarTagEnd(in: chars, from: index) {
                    let tag = String(chars[index...tagEnd])
                    let bodyStart = tagEnd + 1
                    let end = find(tag, in: chars, from: bodyStart).map { $0 + tag.count } ?? chars.count
                    current += String(chars[index..<end])
                    index = end
                    continue
                }
            case ";":
                flush()
                index += 1
                continue
            default:
                break
            }
            current.append(char)
            index += 1
        }
        flush()
        return statements
    }

    private static func closingIndex(of quote: Character, in chars: [Character], from start: Int) -> Int {
        var index = start
        while index < chars.count {
            if chars[index] == quote {
                if index + 1 < chars.count, chars[index + 1] == quote { index += 2; continue }
                return index + 1
            }
            index += 1
        }
        return chars.count
    }

    /// `$tag$` or `$$` starting at `start`: the index of its closing `$`.
    private static func dollarTagEnd(in chars: [Character], from start: Int) -> Int? {
        var index = start + 1
        while index < chars.count {
            let char = chars[index]
            if char == "$" { return index }
            guard char.isLetter || char == "_" || (char.isNumber && index > start + 1) else { return nil }
            index += 1
        }
        return nil
    }

    private static func find(_ tag: String, in chars: [Character], from start: Int) -> Int? {
        let needle = Array(tag)
        guard needle.count <= chars.count else { return nil }
        var index = start
        while index + needle.count <= chars.count {
            if Array(chars[index..<index + needle.count]) == needle { return index }
            index += 1
        }
        return nil
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
