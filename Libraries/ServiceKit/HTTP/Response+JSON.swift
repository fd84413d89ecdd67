import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A response whose body is JSON already encoded, with the content type Hummingbird
    /// gives the bodies it encodes itself.
    public static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: body))
    }
}
