/// An upstream that turns texts into embedding vectors (one per text, in order).
protocol EmbeddingProvider: Sendable {
    func embed(_ inputs: [String], model: String) async throws -> Embeddings
}
