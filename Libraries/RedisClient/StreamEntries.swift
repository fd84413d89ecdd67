/// Parsing of Redis stream replies (`[[id, [field, value, …]], …]`).
public enum StreamEntries {
    public static func parse(_ value: RESPValue) throws(RedisError) -> [(id: String, fields: [String: String])] {
        guard let entries = value.array else {
            if value.isNull { return [] }
            throw RedisError.protocolError("stream entries are not an array")
        }
        var result: [(id: String, fields: [String: String])] = []
        for entry in entries {
            // XAUTOCLAIM/XCLAIM return a null entry for ids deleted meanwhile.
            guard let pair = entry.array, pair.count == 2, let id = pair[0].string else { continue }
            var fields: [String: String] = [:]
            let flat = pair[1].array ?? []
            var index = 0
            while index + 1 < flat.count {
                if let key = flat[index].string { fields[key] = flat[index + 1].string ?? "" }
                index += 2
            }
            result.append((id, fields))
        }
        return result
    }
}

/// Whether stream id `a` comes after `b` (ids are `ms-seq`).
public func streamID(_ a: String, isAfter b: String) -> Bool {
    func parts(_ id: String) -> (UInt64, UInt64) {
        let split = id.split(separator: "-", maxSplits: 1)
        return (UInt64(split.first ?? "0") ?? 0, split.count > 1 ? UInt64(split[1]) ?? 0 : 0)
    }
    let (am, asq) = parts(a)
    let (bm, bsq) = parts(b)
    return am != bm ? am > bm : asq > bsq
}
