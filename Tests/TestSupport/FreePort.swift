import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finds TCP ports nobody is listening on, so parallel tests can each run their own servers.
public enum FreePort {
    /// Binds 127.0.0.1:0, reads the port the kernel picked, and closes the socket again.
    /// Another process could grab the port before the caller binds it; callers that start a
    /// server should retry on "address in use".
    public static func next() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FreePortError(step: "socket", code: errno) }
        defer { close(fd) }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw FreePortError(step: "bind", code: errno) }

        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw FreePortError(step: "getsockname", code: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
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
