/// Splitting text into words for the n-gram metrics, and counting n-grams quickly.
enum TextTokens {
    /// Lowercased words and punctuation marks, roughly as a Penn Treebank tokenizer (which
    /// promptfoo's ROUGE uses) splits them: runs of letters and digits are words (with `'`
    /// inside a word kept, and `,` `.` `:` between digits kept, so `12,000` and `3.14` stay
    /// whole); every other non-space character is a token of its own.
    static func words(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.lowercased().unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if isWordScalar(scalar) {
                current.append(scalar)
                continue
            }
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            if let last = current.last, let next {
                let joinsDigits = (scalar == "," || scalar == "." || scalar == ":") && isDigit(last) && isDigit(next)
                let joinsWord = (scalar == "'" || scalar == "’") && next.properties.isAlphabetic
                if joinsDigits || joinsWord {
                    current.append(scalar)
                    continue
                }
            }
            if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
            if !isSpace(scalar), !isCombining(scalar) { tokens.append(String(scalar)) }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) || v == 0x5F
        }
        return scalar.properties.isAlphabetic || isDigit(scalar) || isCombining(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value >= 0x30 && scalar.value <= 0x39 }
        return scalar.properties.numericType != nil
    }

    private static func isCombining(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whether `scalar` separates words (JavaScript's `\s`: Unicode white space).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) }
        return scalar.properties.isWhitespace || scalar == "\u{FEFF}"
    }

    /// The lowercased text split at white space, as promptfoo's BLEU splits it.
    static func whitespaceSeparated(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if isSpace(scalar) {
                if !current.isEmpty {
                    tokens.append(String(current))
                    current = String.UnicodeScalarView()
                }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    /// Token ids (equal tokens, equal ids) of several token lists, numbered together so their
    /// n-grams can be compared as numbers.
    static func ids(_ lists: [[String]]) -> [[Int32]] {
        var vocabulary: [String: Int32] = [:]
        return lists.map { tokens in
            tokens.map { token in
                if let id = vocabulary[token] { return id }
                let id = Int32(vocabulary.count)
                vocabulary[token] = id
                return id
            }
        }
    }

    /// An n-gram of up to four token ids, hashable without allocating.
    struct NGram: Hashable {
        var ids: (Int32, Int32, Int32, Int32)

        init(_ slice: ArraySlice<Int32>) {
            var ids: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
            var index = slice.startIndex
            if index < slice.endIndex { ids.0 = slice[index]; index += 1 }
            if index < slice.endIndex { ids.1 = slice[index]; index += 1 }
            if index < slice.endIndex { ids.2 = slice[index]; index += 1 }
            if index < slice.endIndex { ids.3 = slice[index] }
            self.ids = ids
        }

        static func == (a: NGram, b: NGram) -> Bool { a.ids == b.ids }

        func hash(into hasher: inout Hasher) {
            hasher.combine(ids.0)
            hasher.combine(ids.1)
            hasher.combine(ids.2)
            hasher.combine(ids.3)
        }
    }

    /// How often each n-gram (n from 1 to 4) of `tokens` occurs.
    static func nGramCounts(_ tokens: [Int32], n: Int) -> [NGram: Int] {
        precondition((1...4).contains(n))
        guard tokens.count >= n else { return [:] }
        var counts: [NGram: Int] = [:]
        counts.reserveCapacity(tokens.count)
        for start in 0...(tokens.count - n) {
            counts[NGram(tokens[start..<start + n]), default: 0] += 1
        }
        return counts
    }

    /// The n-grams of `candidate` also in `reference`, each counted at most as often as there.
    static func clippedOverlap(_ candidate: [NGram: Int], _ reference: [NGram: Int]) -> Int {
        candidate.reduce(0) { $0 + min($1.value, reference[$1.key] ?? 0) }
    }
}
