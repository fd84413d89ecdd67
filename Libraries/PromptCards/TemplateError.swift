import Foundation

/// Why a prompt template could not be parsed, and where.
///
/// Positions are given three ways so every client can point at the mistake: `offset` counts
/// characters (grapheme clusters, what a person counts) from the start, `line` and `column` are
/// 1-based with the column in characters, and `utf16Offset` is the index a JavaScript editor uses.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// A `{{` with no `}}` after it (or with another `{{` before its `}}`).
        case unclosedPlaceholder
        /// `{{ }}` with nothing but spaces inside.
        case emptyPlaceholder
        /// The text between the braces is not a name like `user` or `user.name`.
        case invalidName(String)
    }

    public let kind: Kind
    /// A sentence saying what is wrong, without the position.
    public let reason: String
    /// Characters (grapheme clusters) before the mistake.
    public let offset: Int
    /// 1-based line of the mistake.
    public let line: Int
    /// 1-based column of the mistake, in characters.
    public let column: Int
    /// UTF-16 code units before the mistake (JavaScript string index).
    public let utf16Offset: Int

    public init(kind: Kind, reason: String, offset: Int, line: Int, column: Int, utf16Offset: Int) {
        self.kind = kind
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
        self.utf16Offset = utf16Offset
    }

    /// Builds the error for a mistake at `index` of `source`, working out its position.
    init(_ kind: Kind, reason: String, at index: String.Index, in source: String) {
        var offset = 0
        var line = 1
        var column = 1
        for character in source[..<index] {
            offset += 1
            if character.isNewline {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        self.init(kind: kind, reason: reason, offset: offset, line: line, column: column,
                  utf16Offset: source.utf16.distance(from: source.startIndex, to: index))
    }

    /// "reason at line L, column C (offset O)".
    public var description: String { "\(reason) at line \(line), column \(column) (offset \(offset))" }

    public var errorDescription: String? { description }
}
