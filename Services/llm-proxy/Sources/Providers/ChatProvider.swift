import Hummingbird

/// One upstream LLM API. A provider takes an OpenAI-format chat request (already validated,
/// `model` set to the upstream's name) and answers in OpenAI format, streaming included,
/// so clients see one API whatever the backend.
protocol ChatProvider: Sendable {
    func chat(_ request: ChatRequest) async throws -> Response
}
