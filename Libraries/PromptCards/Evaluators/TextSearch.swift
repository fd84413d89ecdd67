import Foundation

/// Substring search over UTF-8 bytes, as JavaScript's `includes` matches (code unit by code
/// unit, not by canonical equivalence as Swift's `String.contains` does), and several times
/// faster on long outputs.
extension String {
    /// Whether `needle` occurs in this string, byte for byte; an empty needle always does.
    func includes(_ needle: String) -> Bool {
        guard !needle.isEmpty else { return true }
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { hay in
            needle.withUTF8 { pin in
                Self.search(UnsafeRawBufferPointer(hay), for: UnsafeRawBufferPointer(pin))
            }
        }
    }

    /// `memchr` to each candidate first byte, `memcmp` for the rest.
    private static func search(_ hay: UnsafeRawBufferPointer, for pin: UnsafeRawBufferPointer) -> Bool {
        guard pin.count <= hay.count, let hayBase = hay.baseAddress, let pinBase = pin.baseAddress else { return false }
        let first = Int32(pin[0])
        let lastStart = hay.count - pin.count
        var offset = 0
        while offset <= lastStart {
            guard let found = memchr(hayBase + offset, first, lastStart - offset + 1) else { return false }
            let position = hayBase.distance(to: UnsafeRawPointer(found))
            if memcmp(hayBase + position, pinBase, pin.count) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}
