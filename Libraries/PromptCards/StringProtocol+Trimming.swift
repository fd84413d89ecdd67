extension StringProtocol {
    /// Without the spaces, tabs and line breaks JSON allows around a value.
    func trimmingJSONSpace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }

    /// Without leading and trailing characters that are in `set`.
    func trimming(_ set: String) -> SubSequence {
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
