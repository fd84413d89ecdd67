import RedisClient

/// Parsing of Redis stream replies (`[[id, [field, value, …]], …]`).
enum StreamEntries {
    static func parse(_ value: RESPValue) throws(QueueError) -> [(id: String, fields: [String: String])] {
        guard let entries = value.array else {
            if value.isNull { return [] }
            throw QueueError.unexpectedReply("stream entries are not an array")
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
