import Hummingbird
import NIOCore

/// One upstream LLM API. A provider takes an OpenAI-format chat request (already validated,
/// `model` set to the upstream's name) and answers in OpenAI format, streaming included,
/// so clients see one API whatever the backend.
protocol ChatProvider: Sendable {
    func chat(_ request: ChatRequest) async throws -> ChatAnswer
}

/// A provider's answer in OpenAI format: one JSON document (which the proxy reads for its
/// usage, to price the call), or an SSE stream passed on as it comes. A refusal keeps the
/// upstream's `Retry-After`, so a caller held back by a rate limit knows when to come back.
enum ChatAnswer: Sendable {
    case document(HTTPResponse.Status, ByteBuffer, retryAfter: String? = nil)
    case stream(ResponseBody)
}
