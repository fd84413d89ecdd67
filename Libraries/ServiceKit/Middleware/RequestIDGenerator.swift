import Synchronization

/// Request ids in UUID form: a random prefix drawn once per process, then a counter.
/// Unique within the process by construction and across processes by the 64 random bits,
/// which is all a request id needs (it is not a secret). Foundation's `UUID()` opens
/// /dev/urandom on every call on Linux, which cost more than the rest of a cached read.
enum RequestIDGenerator {
    private static let prefix = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(UInt64.random(in: 0 ... UInt64(UInt32.max)))

    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        // xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx: version 4 and variant bits set, so ids
        // pass any UUID validation a log pipeline applies.
        let high = (prefix & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let low = (count & 0x0FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { (buffer: UnsafeMutableBufferPointer<UInt8>) -> Int in
            var index = 0
            func put(_ value: UInt64, digits: Int) {
                for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
                    buffer[index] = hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, digits: 8); dash()
            put(high >> 16, digits: 4); dash()
            put(high, digits: 4); dash()
            put(low >> 48, digits: 4); dash()
            put(low, digits: 12)
            return index
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
