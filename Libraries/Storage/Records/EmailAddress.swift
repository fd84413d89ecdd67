import Foundation

/// How the suite compares email addresses: one canonical form per address, used for the
/// unique index and every lookup, so two spellings of one address are one account.
public enum EmailAddress {
    /// NFKC (compatibility characters such as U+212A KELVIN SIGN or fullwidth letters become
    /// their plain forms), then lowercase, then NFKC again (lowercasing can undo composition).
    /// Surrounding whitespace is dropped.
    public static func canonical(_ email: String) -> String {
        let trimmed = email.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.precomposedStringWithCompatibilityMapping.lowercased().precomposedStringWithCompatibilityMapping
    }
}
