/// Compact JSON text, written without Foundation's encoder so that it is fast and byte-for-byte stable.
extension JSONValue: CustomStringConvertible {
    /// Compact JSON (`{"a":[1,true,null]}`) with sorted keys, as JavaScript's `JSON.stringify` writes it
    /// except for key order and the exponent form of very large or small numbers (`1e+21`).
    public var jsonText: String {
        var out = ""
        write(to: &out)
        return out
    }

    /// The compact JSON text.
    public var description: String { jsonText }

    /// How a value reads when inserted into text (templates, `contains`): a string as itself,
    /// anything else as its compact JSON.
    public var text: String {
        if case .string(let s) = self { s } else { jsonText }
    }

    /// Appends the compact JSON text of this value to `out`.
    public func write(to out: inout String) {
        switch self {
        case .null:
            out += "null"
        case .bool(let b):
            out += b ? "true" : "false"
        case .number(let d):
            out += Self.numberText(d)
        case .string(let s):
            Self.writeQuoted(s, to: &out)
        case .array(let a):
            out += "["
            for (i, element) in a.enumerated() {
                if i > 0 { out += "," }
                element.write(to: &out)
            }
            out += "]"
        case .object(let o):
            out += "{"
            for (i, key) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                Self.writeQuoted(key, to: &out)
                out += ":"
                o[key]!.write(to: &out)
            }
            out += "}"
        }
    }

    /// `3` for 3.0, `0.5` for 0.5, `null` for NaN and infinities (as `JSON.stringify` does).
    public static func numberText(_ d: Double) -> String {
        if let i = exactInteger(d) { return String(i) }
        return d.isFinite ? d.description : "null"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.
    public static func writeQuoted(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
