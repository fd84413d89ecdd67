import Foundation

/// The `format` values that are cheap to check exactly: dates and times (RFC 3339), e-mail
/// addresses, host names, IP addresses, URIs, UUIDs, JSON pointers, regular expressions and
/// durations. Other formats are unknown here and pass, as the specification allows.
enum FormatChecker {
    /// The formats `check` knows.
    static let known: Set<String> = [
        "date-time", "date", "time", "email", "hostname", "ipv4", "ipv6", "uri", "uri-reference",
        "uuid", "json-pointer", "regex", "duration",
    ]

    /// Whether `text` has `format`; nil when the format is not one of `known`.
    static func check(_ text: String, format: String) -> Bool? {
        switch format {
        case "date-time": return isDateTime(text)
        case "date": return isDate(Substring(text))
        case "time": return isTime(Substring(text))
        case "email": return isEmail(text)
        case "hostname": return isHostname(Substring(text))
        case "ipv4": return isIPv4(text)
        case "ipv6": return isIPv6(text)
        case "uri": return isURI(text)
        case "uri-reference": return !text.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true })
        case "uuid": return matches(uuid, text)
        case "json-pointer": return isJSONPointer(text)
        case "regex": return BoundedPattern(text) != nil
        case "duration": return matches(duration, text)
        default: return nil
        }
    }

    private static let uuid = try! NSRegularExpression(pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
    private static let duration = try! NSRegularExpression(
        pattern: "^P(?!$)((\\d+Y)?(\\d+M)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?|\\d+W)$")

    private static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// Digits only, exactly `count` of them, as a number.
    private static func number(_ text: Substring, count: Int) -> Int? {
        guard text.count == count, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }

    static func isDate(_ text: Substring) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let year = number(parts[0], count: 4), let month = number(parts[1], count: 2),
              let day = number(parts[2], count: 2), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// `HH:MM:SS[.frac](Z|±HH:MM)`.
    static func isTime(_ text: Substring) -> Bool {
        var body = text
        var offsetMinutes = 0
        if let last = body.last, last == "z" || last == "Z" {
            body = body.dropLast()
        } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let offset = body[body.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
            guard offset.count == 2, let hours = number(offset[0], count: 2), let minutes = number(offset[1], count: 2),
                  hours <= 23, minutes <= 59 else { return false }
            offsetMinutes = (hours * 60 + minutes) * (body[sign] == "+" ? 1 : -1)
            body = body[..<sign]
        } else {
            return false
        }
        if let dot = body.firstIndex(of: ".") {
            let fraction = body[body.index(after: dot)...]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            body = body[..<dot]
        }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hour = number(parts[0], count: 2), let minute = number(parts[1], count: 2),
              let second = number(parts[2], count: 2), hour <= 23, minute <= 59, second <= 60 else { return false }
        if second == 60 {
            // A leap second happens at 23:59:60 UTC only.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDateTime(_ text: String) -> Bool {
        guard let separator = text.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
        return isDate(text[..<separator]) && isTime(text[text.index(after: separator)...])
    }

    static func isEmail(_ text: String) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-")
        guard !local.isEmpty, local.count <= 64, local.allSatisfy(allowed.contains),
              local.first != ".", local.last != ".", !local.contains("..") else { return false }
        return isHostname(domain)
    }

    static func isHostname(_ text: Substring) -> Bool {
        let name = text.hasSuffix(".") ? text.dropLast() : text
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let value = Int(part) else { return false }
            return value <= 255
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        guard text.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }) else { return false }
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    static func isURI(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return false }
        return !text.contains(where: { $0.isWhitespace || $0 == "\\" || $0 == "<" || $0 == ">" || $0 == "\"" || $0.asciiValue.map { $0 < 0x20 } == true })
    }

    static func isJSONPointer(_ text: String) -> Bool {
        guard text.isEmpty || text.hasPrefix("/") else { return false }
        var chars = text.makeIterator()
        while let c = chars.next() {
            if c == "~" {
                guard let next = chars.next(), next == "0" || next == "1" else { return false }
            }
        }
        return true
    }
}
