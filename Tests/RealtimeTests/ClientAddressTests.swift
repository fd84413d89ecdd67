import HTTPTypes
import Hummingbird
import NIOCore
@testable import RealtimeService
import Testing

/// The address a connection counts against: X-Real-IP only from a proxy on loopback or a
/// private network (nginx, the Ingress controller), the TCP peer otherwise.
@Suite struct ClientAddressTests {
    func request(realIP: String?) -> Request {
        var headers = HTTPFields()
        if let realIP { headers[HTTPField.Name("X-Real-IP")!] = realIP }
        let head = HTTPRequest(method: .get, scheme: "http", authority: "rt", path: "/ws", headerFields: headers)
        return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    }

    @Test(arguments: [
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"), ("10.4.0.9", "198.51.100.7", "198.51.100.7"),
        ("172.20.1.1", "198.51.100.7", "198.51.100.7"), ("192.168.1.2", "198.51.100.7", "198.51.100.7"),
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"), ("172.32.0.1", "198.51.100.7", "172.32.0.1"),
    ])
    func theForwardedAddressIsBelievedOnlyFromAProxy(peer: String, forwarded: String, counted: String) throws {
        let address = try SocketAddress(ipAddress: peer, port: 40_000)
        #expect(ClientAddress.of(request(realIP: forwarded), peer: address) == counted)
        #expect(ClientAddress.of(request(realIP: nil), peer: address) == peer)
    }
}
