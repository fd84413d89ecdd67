import Foundation

/// What to ask llm-proxy's `POST /v1/chat/completions`. Defaults suit testing and grading:
/// temperature 0, so a case answers the same way each run.
public struct ChatCompletionRequest: Sendable, Equatable {
    public var model: String
    public var messages: [ChatMessage]
    public var temperature: Double?
    /// The longest answer, in tokens; nil lets the backend decide.
    public var maxTokens: Int?
    /// Asks for a JSON object (`response_format: json_object`).
    public var wantsJSON: Bool

    public init(model: String, messages: [ChatMessage], temperature: Double? = 0, maxTokens: Int? = nil,
                wantsJSON: Bool = false) {
        self.model = model
        self.messages = messages
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.wantsJSON = wantsJSON
    }

    /// The request body; a streamed one asks for the usage in its last chunk.
    func body(stream: Bool) throws -> Data {
        try JSONEncoder().encode(Wire(
            model: model, messages: messages, temperature: temperature, max_tokens: maxTokens, stream: stream,
            response_format: wantsJSON ? .init(type: "json_object") : nil,
            stream_options: stream ? .init(include_usage: true) : nil))
    }

    private struct Wire: Encodable {
        struct Format: Encodable { let type: String }
        struct StreamOptions: Encodable { let include_usage: Bool }
        let model: String
        let messages: [ChatMessage]
        let temperature: Double?
        let max_tokens: Int?
        let stream: Bool
        let response_format: Format?
        let stream_options: StreamOptions?
    }
}
