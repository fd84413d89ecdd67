/// What a streamed chat call yields: pieces of text as they are generated, then the whole.
public enum ChatStreamEvent: Sendable, Equatable {
    case delta(String)
    /// The complete answer, with the usage the last chunk reported.
    case finished(ChatCompletion)
}
