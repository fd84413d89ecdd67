import Foundation
import NIOCore

/// Splits an SSE byte stream into the payloads of its `data:` lines, across buffer
/// boundaries, until `data: [DONE]`. The stream as a whole is bounded, so a backend that
/// never stops (or never sends a newline) cannot grow the buffer without limit.
struct ServerSentEvents {
    let maxTotalBytes: Int
    private var pending: [UInt8] = []
    private var total = 0
    private(set) var isDone = false

    init(maxTotalBytes: Int) {
        self.maxTotalBytes = maxTotalBytes
    }

    mutating func append(_ buffer: ByteBuffer) throws(LLMCallFailed) -> [Data] {
        total += buffer.readableBytes
        guard total <= maxTotalBytes else {
            throw LLMCallFailed(.malformed, status: 200, "llm-proxy's stream is over \(maxTotalBytes) bytes")
        }
        pending.append(contentsOf: buffer.readableBytesView)
        var payloads: [Data] = []
        var start = 0
        while !isDone, let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[start..<newline]
            start = newline + 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            guard line.starts(with: Self.dataPrefix) else { continue }
            var payload = line.dropFirst(Self.dataPrefix.count)
            if payload.first == UInt8(ascii: " ") { payload = payload.dropFirst() }
            if payload.elementsEqual(Self.done) {
                isDone = true
            } else {
                payloads.append(Data(payload))
            }
        }
        pending.removeFirst(start)
        return payloads
    }

    private static let dataPrefix = Array("data:".utf8)
    private static let done = Array("[DONE]".utf8)
}
