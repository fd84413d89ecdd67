/// A well-formedness checker for the XML that `is-xml` and `contains-xml` look for: one root
/// element, properly nested and closed tags, quoted and unique attributes, valid character
/// and entity references (the five predefined entities), comments, CDATA sections,
/// processing instructions and an XML declaration. A DOCTYPE with an internal subset is
/// refused, as promptfoo refuses it (its entity declarations cannot be checked safely);
/// nothing external is ever loaded. The result keeps only the element tree, which is what
/// `requiredElements` paths are checked against.
enum XMLChecker {
    /// An element and its child elements.
    struct Element: Equatable {
        var name: String
        var children: [Element] = []

        /// Whether the dotted `path` (`root.child.leaf`, starting with this element's name) exists.
        func has(path: ArraySlice<Substring>) -> Bool {
            guard let first = path.first, first == name[...] else { return false }
            let rest = path.dropFirst()
            return rest.isEmpty || children.contains { $0.has(path: rest) }
        }
    }

    /// Why some text is not well-formed XML.
    struct Problem: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "\(reason) at byte \(offset)" }
    }

    static let maxDepth = 256

    /// The root element when all of `text` is one well-formed XML document.
    static func document(_ text: String) -> Result<Element, Problem> {
        var copy = text
        return copy.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            return Result { () throws(Problem) -> Element in try parser.parseDocument() }
        }
    }

    /// The well-formed elements found in `text` (each the longest from a `<`), with whether the
    /// whole text was searched within `workLimit` bytes of attempts (by default four times
    /// the text, between 1 and 16 MB).
    static func containedElements(in text: String, workLimit: Int? = nil) -> (elements: [Element], complete: Bool) {
        let workLimit = workLimit ?? min(16 << 20, max(1 << 20, 4 * text.utf8.count))
        var copy = text
        return copy.withUTF8 { bytes in
            var elements: [Element] = []
            var work = 0
            var start = 0
            while start < bytes.count {
                guard bytes[start] == UInt8(ascii: "<"), start + 1 < bytes.count, Parser.isNameStart(bytes[start + 1]) else {
                    start += 1
                    continue
                }
                var parser = Parser(bytes: bytes)
                parser.index = start
                if let element = try? parser.parseElement(depth: 0) {
                    elements.append(element)
                    work += parser.index - start
                    start = parser.index
                } else {
                    work += max(parser.furthest - start, 1)
                    start += 1
                }
                if work > workLimit { return (elements, false) }
            }
            return (elements, true)
        }
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var furthest = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func problem(_ reason: String) -> Problem { Problem(offset: index, reason: reason) }

        static func isNameStart(_ byte: UInt8) -> Bool {
            (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ":") || byte >= 0x80
        }

        static func isNameByte(_ byte: UInt8) -> Bool {
            isNameStart(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }

        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        func starts(with literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            let expected = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != expected[offset] { return false }
            return true
        }

        mutating func skipSpace() {
            while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
        }

        /// Moves past the next `terminator`; throws when there is none.
        mutating func skip(past terminator: StaticString, what: String) throws(Problem) {
            while index < bytes.count {
                if starts(with: terminator) {
                    index += terminator.utf8CodeUnitCount
                    return
                }
                index += 1
            }
            throw problem("unterminated \(what)")
        }

        mutating func parseName() throws(Problem) -> String {
            let start = index
            guard index < bytes.count, Self.isNameStart(bytes[index]) else { throw problem("expected a name") }
            while index < bytes.count, Self.isNameByte(bytes[index]) { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func parseDocument() throws(Problem) -> Element {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
            if starts(with: "<?xml") {
                index += 5
                guard index < bytes.count, Self.isSpace(bytes[index]) else { throw problem("malformed XML declaration") }
                try skip(past: "?>", what: "XML declaration")
            }
            var root: Element?
            while true {
                skipSpace()
                guard index < bytes.count else { break }
                if starts(with: "<!--") {
                    try parseComment()
                } else if starts(with: "<?") {
                    try parseProcessingInstruction()
                } else if starts(with: "<!DOCTYPE") {
                    guard root == nil else { throw problem("DOCTYPE after the root element") }
                    try parseDoctype()
                } else if index < bytes.count, bytes[index] == UInt8(ascii: "<") {
                    guard root == nil else { throw problem("more than one root element") }
                    root = try parseElement(depth: 0)
                } else {
                    throw problem(root == nil ? "text before the root element" : "text after the root element")
                }
            }
            guard let root else { throw problem("no root element") }
            return root
        }

        mutating func parseComment() throws(Problem) {
            index += 4
            try skip(past: "-->", what: "comment")
        }

        mutating func parseProcessingInstruction() throws(Problem) {
            index += 2
            let name = try parseName()
            if name.lowercased() == "xml" { throw problem("an XML declaration is only allowed at the start") }
            try skip(past: "?>", what: "processing instruction")
        }

        mutating func parseDoctype() throws(Problem) {
            index += 9
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "["): throw problem("a DOCTYPE with an internal subset is not supported")
                case UInt8(ascii: ">"): index += 1; return
                default: index += 1
                }
            }
            throw problem("unterminated DOCTYPE")
        }

        mutating func parseReference() throws(Problem) {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
                index += 1
                if index - start > 12 { throw problem("invalid entity reference") }
            }
            guard index < bytes.count else { throw problem("unterminated entity reference") }
            let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            index += 1
            if ["lt", "gt", "amp", "quot", "apos"].contains(name) { return }
            if name.hasPrefix("#x"), let value = UInt32(name.dropFirst(2), radix: 16), Unicode.Scalar(value) != nil { return }
            if name.hasPrefix("#"), !name.hasPrefix("#x"), let value = UInt32(name.dropFirst()), Unicode.Scalar(value) != nil { return }
            throw problem("undefined entity &\(name);")
        }

        mutating func parseElement(depth: Int) throws(Problem) -> Element {
            defer { furthest = max(furthest, index) }
            guard depth < XMLChecker.maxDepth else { throw problem("elements nested more than \(XMLChecker.maxDepth) deep") }
            index += 1 // "<"
            var element = Element(name: try parseName())
            var attributes: Set<String> = []
            while true {
                let hadSpace = index < bytes.count && Self.isSpace(bytes[index])
                skipSpace()
                guard index < bytes.count else { throw problem("unterminated start tag <\(element.name)>") }
                if starts(with: "/>") {
                    index += 2
                    return element
                }
                if bytes[index] == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                guard hadSpace else { throw problem("expected a space before an attribute") }
                let attribute = try parseName()
                guard attributes.insert(attribute).inserted else { throw problem("attribute \(attribute) repeated") }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw problem("expected = after attribute \(attribute)") }
                index += 1
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw problem("attribute values must be quoted")
                }
                let quote = bytes[index]
                index += 1
                while true {
                    guard index < bytes.count else { throw problem("unterminated attribute value") }
                    let byte = bytes[index]
                    if byte == quote { index += 1; break }
                    if byte == UInt8(ascii: "<") { throw problem("< in an attribute value") }
                    if byte == UInt8(ascii: "&") { try parseReference() } else { index += 1 }
                }
            }
            // Content up to the matching end tag.
            while true {
                guard index < bytes.count else { throw problem("<\(element.name)> is not closed") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "<") {
                    if starts(with: "</") {
                        index += 2
                        let name = try parseName()
                        guard name == element.name else { throw problem("</\(name)> closes <\(element.name)>") }
                        skipSpace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw problem("malformed end tag") }
                        index += 1
                        return element
                    } else if starts(with: "<!--") {
                        try parseComment()
                    } else if starts(with: "<![CDATA[") {
                        index += 9
                        try skip(past: "]]>", what: "CDATA section")
                    } else if starts(with: "<?") {
                        try parseProcessingInstruction()
                    } else {
                        element.children.append(try parseElement(depth: depth + 1))
                    }
                } else if byte == UInt8(ascii: "&") {
                    try parseReference()
                } else if starts(with: "]]>") {
                    throw problem("]]> in text")
                } else {
                    index += 1
                }
            }
        }
    }
}
