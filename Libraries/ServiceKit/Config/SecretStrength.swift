import Foundation

/// A conservative estimate of how guessable a configured secret is, so a daemon can refuse a
/// `JWT_SECRET` anyone could forge tokens with: a value copied from the repository's examples,
/// or one with too little entropy ("aaaa…", "changeme" repeated, "abcdef…").
///
/// The estimate compresses the string the way LZ77 does (a stretch that repeats an earlier
/// one, of 3 characters or more, counts as a single symbol) and charges every remaining symbol
/// the string's own Shannon entropy per character. The same is done to the differences
/// between neighbouring characters, which exposes runs such as "abcdef" or "13579", and the
/// smaller figure is the estimate. `openssl rand -base64 48` scores about 350 bits.
public enum SecretStrength {
    /// What a secret must reach: 128 bits, the strength of HS256's own security margin.
    public static let minimumBits = 128.0

    /// Every example value the repository ships or documents (compose/.env.example, the
    /// Kubernetes secret template, README, docs). A test reads those files and checks that
    /// each value written there is listed here, so a new placeholder cannot slip through.
    public static let knownExamples: Set<String> = [
        "change-me-to-at-least-32-random-characters",
        "replace-with-at-least-32-random-characters",
        "replace-me-with-the-output-of-openssl-rand-base64-48",
        "bench-secret-bench-secret-bench-secret",
    ]

    /// Why `secret` must not be used, or nil when it may.
    public static func weakness(of secret: String) -> String? {
        if knownExamples.contains(secret.lowercased()) {
            return "is an example value from the repository; generate one with `openssl rand -base64 48`"
        }
        let bits = estimatedBits(secret)
        guard bits >= minimumBits else {
            return "is too predictable (about \(Int(bits)) bits of entropy, at least \(Int(minimumBits)) needed); "
                + "generate one with `openssl rand -base64 48`"
        }
        return nil
    }

    /// The estimated entropy of `secret` in bits (of its first 4096 characters).
    public static func estimatedBits(_ secret: String) -> Double {
        let scalars = Array(secret.unicodeScalars.prefix(4096)).map(\.value)
        guard scalars.count > 1 else { return 0 }
        let steps = zip(scalars.dropFirst(), scalars).map { Int64($0) - Int64($1) }
        return min(bits(of: scalars.map(Int64.init)), bits(of: steps))
    }

    /// Symbols left after LZ77-style compression, each charged the Shannon entropy per symbol.
    static func bits(of symbols: [Int64]) -> Double {
        var counts: [Int64: Int] = [:]
        for symbol in symbols { counts[symbol, default: 0] += 1 }
        let total = Double(symbols.count)
        let perSymbol = counts.values.reduce(0.0) { sum, count in
            let p = Double(count) / total
            return sum - p * log2(p)
        }
        return Double(compressedLength(symbols)) * perSymbol
    }

    /// How many literals and back-references LZ77 needs, matches of 3 or more only.
    static func compressedLength(_ symbols: [Int64]) -> Int {
        var index = 0
        var length = 0
        while index < symbols.count {
            var longest = 0
            for start in 0..<index {
                var matched = 0
                while index + matched < symbols.count, symbols[start + matched] == symbols[index + matched] {
                    matched += 1
                }
                longest = max(longest, matched)
            }
            index += longest >= 3 ? longest : 1
            length += 1
        }
        return length
    }
}
