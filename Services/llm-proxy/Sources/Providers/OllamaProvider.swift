import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ServiceKit

/// An Ollama upstream (`/api/chat`). Requests are translated from OpenAI's format and
/// answers back into it; Ollama's NDJSON stream becomes OpenAI's SSE chunks.
struct OllamaProvider: ChatProvider {
    let baseURL: String
    let timeout: Duration

    func chat(_ request: ChatRequest) async throws -> ChatAnswer {
        let upstream = try await UpstreamCall.post(url: baseURL + "/api/chat", body: Self.translate(request),
                                                   headers: [], timeout: timeout)
        guard upstream.status == .ok else {
            let buffer = try await UpstreamCall.collect(upstream, limit: 1 << 20)
            let message = Self.errorMessage(buffer) ?? "status \(upstream.status.code)"
            if upstream.status.code >= 500 { throw APIError.badGateway("Ollama failed: \(message)") }
            throw APIError(HTTPResponse.Status(code: Int(upstream.status.code)), "Ollama refused the request: \(message)")
        }
        let id = "chatcmpl-\(UUID().uuidString.lowercased())"
        let model = request.model
        if request.stream {
            let body = upstream.body
            return .stream(ResponseBody { writer in
                var lines = NDJSONLines()
                for try await buffer in body {
                    for line in lines.append(buffer) {
                        try await writer.write(ByteBuffer(string: Self.sseChunk(line, id: id, model: model)))
                    }
                }
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            })
        }
        let buffer = try await UpstreamCall.collect(upstream)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw APIError.badGateway("Ollama answered something that is not JSON")
        }
        let data = try JSONSerialization.data(withJSONObject: Self.completion(object, id: id, model: model))
        return .document(.ok, ByteBuffer(bytes: data))
    }

    /// OpenAI request → Ollama request: sampling parameters move under `options`.
    static func translate(_ request: ChatRequest) -> Data {
        let body = request.object
        var options: [String: Any] = [:]
        let mapping = ["temperature": "temperature", "top_p": "top_p", "seed": "seed", "max_tokens": "num_predict",
                       "max_completion_tokens": "num_predict", "stop": "stop", "presence_penalty": "presence_penalty",
                       "frequency_penalty": "frequency_penalty"]
        for (openAI, ollama) in mapping {
            if let value = body[openAI] { options[ollama] = value }
        }
        var translated: [String: Any] = ["model": request.model, "messages": body["messages"] ?? [], "stream": request.stream]
        if !options.isEmpty { translated["options"] = options }
        if let format = body["response_format"] as? [String: Any], format["type"] as? String == "json_object" {
            translated["format"] = "json"
        }
        return (try? JSONSerialization.data(withJSONObject: translated)) ?? Data()
    }

    /// Ollama's final answer → an OpenAI `chat.completion`.
    static func completion(_ object: [String: Any], id: String, model: String) -> [String: Any] {
        let message = object["message"] as? [String: Any] ?? [:]
        let prompt = object["prompt_eval_count"] as? Int ?? 0
        let completion = object["eval_count"] as? Int ?? 0
        return [
            "id": id, "object": "chat.completion", "created": Int(Date().timeIntervalSince1970), "model": model,
            "choices": [[
                "index": 0,
                "message": ["role": message["role"] as? String ?? "assistant", "content": message["content"] as? String ?? ""],
                "finish_reason": finishReason(object["done_reason"] as? String),
            ]],
            "usage": ["prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion],
        ]
    }

    /// One Ollama stream line → one OpenAI SSE `chat.completion.chunk` event.
    static func sseChunk(_ line: Data, id: String, model: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { return "" }
        let message = object["message"] as? [String: Any] ?? [:]
        let done = object["done"] as? Bool ?? false
        var chunk: [String: Any] = [
            "id": id, "object": "chat.completion.chunk", "created": Int(Date().timeIntervalSince1970), "model": model,
            "choices": [[
                "index": 0,
                "delta": done ? [:] : ["content": message["content"] as? String ?? ""],
                "finish_reason": done ? finishReason(object["done_reason"] as? String) : NSNull(),
            ] as [String: Any]],
        ]
        if done {
            let prompt = object["prompt_eval_count"] as? Int ?? 0
            let completion = object["eval_count"] as? Int ?? 0
            chunk["usage"] = ["prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion]
        }
        guard let data = try? JSONSerialization.data(withJSONObject: chunk) else { return "" }
        return "data: \(String(decoding: data, as: UTF8.self))\n\n"
    }

    static func finishReason(_ doneReason: String?) -> String {
        doneReason == "length" ? "length" : "stop"
    }

    static func errorMessage(_ buffer: ByteBuffer) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])?["error"] as? String
    }
}

/// Splits a byte stream into newline-delimited records, across buffer boundaries.
struct NDJSONLines {
    private var pending = Data()

    mutating func append(_ buffer: ByteBuffer) -> [Data] {
        pending.append(contentsOf: buffer.readableBytesView)
        var lines: [Data] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = pending[pending.startIndex..<newline]
            if !line.isEmpty { lines.append(Data(line)) }
            pending = Data(pending[(newline + 1)...])
        }
        return lines
    }
}
