import Foundation
import Hummingbird
import NIOCore

/// A protocol-level stand-in for Ollama (which cannot run here): it speaks Ollama's real
/// `/api/chat` and `/api/embed` wire formats — one JSON object, or NDJSON lines when `stream` is true — and
/// records what it was asked, so tests can check the translation in both directions.
enum FakeOllama {
    /// `tagsHang`: `/api/tags` answers only after the probe gave up, as a model server busy generating may.
    static func router(received: ReceivedRequests, tagsHang: Bool = false) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/api/tags") { _, _ in
            if tagsHang { try await Task.sleep(for: .seconds(10)) }  // past the 2 s probe deadline
            return #"{"models":[{"name":"smollm2:135m"}]}"#
        }
        // `/api/embed`: one vector per input, [characters, 1, 0] — enough to check the order.
        router.post("/api/embed") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            await received.append(Data(buffer: body))
            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
            let inputs = object["input"] as? [String] ?? (object["input"] as? String).map { [$0] } ?? []
            let answer: [String: Any] = [
                "model": object["model"] as? String ?? "", "prompt_eval_count": inputs.count * 2,
                "embeddings": inputs.map { [Double($0.count), 1, 0] },
            ]
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: answer))))
        }
        router.post("/api/chat") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            await received.append(Data(buffer: body))
            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] ?? [:]
            if object["model"] as? String == "missing" {
                return Response(status: .notFound, headers: [.contentType: "application/json"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"model 'missing' not found"}"#)))
            }
            let model = object["model"] as? String ?? ""
            if object["stream"] as? Bool == true {
                let lines = ["Par", "is", "."].map {
                    #"{"model":"\#(model)","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"\#($0)"},"done":false}"# + "\n"
                } + [#"{"model":"\#(model)","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":7,"eval_count":3}"# + "\n"]
                return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: ResponseBody { writer in
                    // Split across writes, as a real stream arrives.
                    for line in lines {
                        let bytes = Array(line.utf8)
                        try await writer.write(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]))
                        try await writer.write(ByteBuffer(bytes: bytes[(bytes.count / 2)...]))
                    }
                    try await writer.finish(nil)
                })
            }
            let answer = #"{"model":"\#(model)","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"Paris."},"done":true,"done_reason":"stop","prompt_eval_count":7,"eval_count":3}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        return router
    }
}

actor ReceivedRequests {
    private(set) var bodies: [Data] = []
    func append(_ body: Data) { bodies.append(body) }
    var last: Data? { bodies.last }
}
