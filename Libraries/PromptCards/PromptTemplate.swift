import Budgets

/// A prompt with `{{ variable }}` placeholders, parsed once and rendered many times.
///
/// The syntax is the placeholder subset of nunjucks, the engine promptfoo renders prompts with:
/// `{{name}}` or `{{ name }}`, where a name is an identifier (letters, digits and `_`, not starting
/// with a digit) optionally followed by `.member` steps that look into an object variable
/// (`{{ user.name }}`). Everything else, including a lone `{` or `}`, is literal text.
/// Filters (`{{ x | upper }}`), tags (`{% %}`) and comments (`{# #}`) are not supported: the first is
/// reported as an invalid name, the other two are kept as text.
public struct PromptTemplate: Sendable, Hashable {
    /// The template text as written.
    public let source: String
    /// The variables a test case must supply, unique, in order of first appearance. For a dotted
    /// placeholder this is the root (`user` for `{{ user.name }}`), since that is the key in `vars`.
    public let variables: [String]
    /// Every distinct placeholder as written without spaces (`user.name`), in order of first appearance.
    public let placeholders: [String]

    private let segments: [Segment]

    private enum Segment: Sendable, Hashable {
        case text(String)
        case variable(root: String, path: [String])
    }

    /// Parses `source`, failing on the first malformed placeholder.
    public init(_ source: String) throws(TemplateError) {
        self.source = source
        var segments: [Segment] = []
        var variables: [String] = []
        var placeholders: [String] = []
        var seenVariables: Set<String> = []
        var seenPlaceholders: Set<String> = []

        let bytes = source.utf8
        let end = bytes.endIndex
        // `{` and `}` are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character,
        // so scanning bytes finds exactly the braces in the text.
        func isPair(_ byte: UInt8, at index: String.Index) -> Bool {
            guard bytes[index] == byte else { return false }
            let next = bytes.index(after: index)
            return next < end && bytes[next] == byte
        }
        func text(_ range: Range<String.Index>) -> String {
            String(decoding: bytes[range], as: UTF8.self)
        }

        var textStart = bytes.startIndex
        var i = textStart
        while i < end {
            guard isPair(UInt8(ascii: "{"), at: i) else {
                i = bytes.index(after: i)
                continue
            }
            let open = i
            let contentStart = bytes.index(open, offsetBy: 2)
            var close: String.Index? = nil
            var j = contentStart
            while j < end {
                if isPair(UInt8(ascii: "}"), at: j) {
                    close = j
                    break
                }
                if isPair(UInt8(ascii: "{"), at: j) {
                    throw TemplateError(.unclosedPlaceholder,
                                        reason: "unclosed \"{{\": another \"{{\" comes before its \"}}\"", at: open, in: source)
                }
                j = bytes.index(after: j)
            }
            guard let close else {
                throw TemplateError(.unclosedPlaceholder, reason: "unclosed \"{{\": no \"}}\" follows it", at: open, in: source)
            }

            // Trim ASCII whitespace around the name.
            var nameStart = contentStart
            var nameEnd = close
            while nameStart < nameEnd, Self.isSpace(bytes[nameStart]) { nameStart = bytes.index(after: nameStart) }
            while nameEnd > nameStart, Self.isSpace(bytes[bytes.index(before: nameEnd)]) { nameEnd = bytes.index(before: nameEnd) }
            guard nameStart < nameEnd else {
                throw TemplateError(.emptyPlaceholder, reason: "empty placeholder: put a variable name between \"{{\" and \"}}\"",
                                    at: open, in: source)
            }
            let name = text(nameStart..<nameEnd)
            guard let path = Self.path(of: name) else {
                throw TemplateError(.invalidName(name), reason: Self.invalidNameReason(name), at: nameStart, in: source)
            }

            if textStart < open { segments.append(.text(text(textStart..<open))) }
            segments.append(.variable(root: path[0], path: Array(path.dropFirst())))
            if seenVariables.insert(path[0]).inserted { variables.append(path[0]) }
            if seenPlaceholders.insert(name).inserted { placeholders.append(name) }
            i = bytes.index(close, offsetBy: 2)
            textStart = i
        }
        if textStart < end { segments.append(.text(text(textStart..<end))) }

        self.segments = segments
        self.variables = variables
        self.placeholders = placeholders
    }

    /// The prompt with every placeholder replaced: strings as they are, numbers and booleans as
    /// their JSON text (`3`, `0.5`, `true`), arrays and objects as compact JSON. A missing variable,
    /// a missing member and `null` render as nothing, as nunjucks renders `undefined` and `null`.
    ///
    /// `budget` caps the UTF-8 size of the result (`MAX_RENDERED_PROMPT_BYTES`): the size is
    /// checked before each piece is appended, so a template that repeats a large variable fails
    /// as soon as it would pass the limit, without ever building the oversized string.
    public func render(_ vars: [String: JSONValue], budget: Budget) throws(BudgetExceeded) -> String {
        var out = ""
        out.reserveCapacity(min(source.utf8.count + 64, budget.limit))
        var size = 0
        func append(_ piece: String) throws(BudgetExceeded) {
            size += piece.utf8.count
            try budget.check(size, "the rendered template")
            out += piece
        }
        for segment in segments {
            switch segment {
            case .text(let text):
                try append(text)
            case .variable(let root, let path):
                guard let value = vars[root]?.value(at: path) else { continue }
                switch value {
                case .null: break
                case .string(let s): try append(s)
                default:
                    var json = ""
                    value.write(to: &json)
                    try append(json)
                }
            }
        }
        return out
    }

    /// `render(_:budget:)` at the catalog's default `MAX_RENDERED_PROMPT_BYTES`, for callers that
    /// read no configuration; a daemon passes the budget it read from its environment instead.
    public func render(_ vars: [String: JSONValue]) throws(BudgetExceeded) -> String {
        try render(vars, budget: BudgetCatalog.renderedPromptBytes.standard)
    }

    // MARK: Names

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The steps of a valid name (`["user", "name"]`), or nil.
    private static func path(of name: String) -> [String]? {
        let steps = name.split(separator: ".", omittingEmptySubsequences: false)
        guard steps.allSatisfy(isIdentifier) else { return nil }
        return steps.map(String.init)
    }

    /// A letter or `_`, then letters, decimal digits or `_`.
    private static func isIdentifier(_ s: Substring) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || $0.properties.generalCategory == .decimalNumber }
    }

    private static func invalidNameReason(_ name: String) -> String {
        let hint: String
        if name.contains("|") {
            hint = "filters are not supported"
        } else if name.contains(where: { $0.isWhitespace }) {
            hint = "a name cannot contain spaces"
        } else if name.first?.isNumber == true {
            hint = "a name cannot start with a digit"
        } else {
            hint = "use letters, digits and _ with dots between steps, like user or user.name"
        }
        return "invalid variable name \"\(name)\": \(hint)"
    }
}
