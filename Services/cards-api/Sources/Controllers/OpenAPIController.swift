import Hummingbird
import NIOCore
import PromptCards

/// `GET /api/v1/openapi.json`, public: the document is rendered once at start.
struct OpenAPIController: Sendable {
    let document = ByteBuffer(string: OpenAPIDocument.json.jsonText)

    func register(on router: Router<some RequestContext>) {
        let document = self.document
        router.get("/api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                     body: .init(byteBuffer: document))
        }
    }
}
