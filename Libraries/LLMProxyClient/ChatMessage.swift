import PromptCards

/// One message of a chat, in OpenAI's shape: the grader's message type, so a grader's
/// prompts go to llm-proxy as they are, and a test case's prompt is the same kind of thing.
public typealias ChatMessage = GraderMessage
