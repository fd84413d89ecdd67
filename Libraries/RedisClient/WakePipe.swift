#if canImport(Glibc)
import Glibc
#endif

/// A self-pipe: lets any thread wake a thread that sleeps in poll() on a socket.
///
/// Both ends are non-blocking: a wake-up on a full pipe is dropped (one pending byte already
/// guarantees the wake-up), and draining never blocks.
final class WakePipe: Sendable {
    /// The end to poll for POLLIN.
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws(RedisError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw .connection("pipe() failed: errno \(errno)") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL, 0) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        // Only reached when no thread can still wake or poll this pipe.
        _ = Glibc.close(readEnd)
        _ = Glibc.close(writeEnd)
    }

    /// Makes the next (or current) poll() on `readEnd` return.
    func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Empties the pipe after a wake-up so the next poll() sleeps again.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readEnd, &buffer, buffer.count) > 0 {}
    }
}
