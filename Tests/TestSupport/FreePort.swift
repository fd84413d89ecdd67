import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds TCP ports nobody is listening on, so parallel tests can each run their own servers.
public enum FreePort {
    /// Binds 127.0.0.1:0, reads the port the kernel picked, and closes the socket again.
    /// Another process could grab the port before the caller binds it; callers that start a
    /// server should retry on "address in use". For a port that must stay unreachable, use
    /// `ClosedPort` instead.
    public static func next() throws -> Int {
        let (fd, port) = try LoopbackSocket.bind()
        close(fd)
        return port
    }
}

/// A loopback port that refuses every connection for as long as `with`'s body runs: its socket
/// is bound but never listens, so a connect gets ECONNREFUSED and no other test can bind the
/// port meanwhile (a port from `FreePort.next()` can be taken by a parallel test's server, and
/// an "unreachable" upstream then answers).
public enum ClosedPort {
    public static func with<T>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let (fd, port) = try LoopbackSocket.bind()
        defer { close(fd) }
        return try await body(port)
    }
}

/// 127.0.0.1:0, bound and named.
enum LoopbackSocket {
    static func bind() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FreePortError(step: "socket", code: errno) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw FreePortError(step: "bind", code: code)
        }

        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw FreePortError(step: "getsockname", code: code)
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}

/// A system call failed while looking for a free port.
public struct FreePortError: Error, CustomStringConvertible {
    /// The call that failed.
    public let step: String
    /// Its errno.
    public let code: Int32

    /// "bind failed: Address already in use".
    public var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
}
