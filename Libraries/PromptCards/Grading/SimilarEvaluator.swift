/// `similar` (and `similar:cosine`, `similar:dot`, `similar:euclidean`): the output means the
/// same as the value, judged by the embeddings of both.
///
/// The value is a string or a non-empty array of strings; with an array the output must be
/// similar to at least one of them (so `not-similar` passes only when it is dissimilar to
/// all). Cosine and dot product are similarities that must reach `threshold` (default 0.75,
/// promptfoo's); Euclidean is a distance that must not exceed it, scored `1 / (1 + distance)`.
/// The reported score is the best over the values.
public struct SimilarEvaluator: ModelGradedEvaluator {
    /// How two embeddings are compared.
    public enum Metric: String, Sendable {
        case cosine, dot, euclidean
    }

    public static let defaultThreshold = 0.75

    public let metric: Metric
    /// Whether the type is spelled with its metric (`similar:cosine`) or bare (`similar`).
    let spelledWithMetric: Bool

    public init(metric: Metric = .cosine, spelledWithMetric: Bool = false) {
        self.metric = metric
        self.spelledWithMetric = spelledWithMetric
    }

    public var typeName: String { spelledWithMetric ? "similar:\(metric.rawValue)" : "similar" }

    public func validate(_ assertion: Assertion) -> [AssertionIssue] {
        if case .failure(let issue) = Self.expectedTexts(assertion) { [issue] } else { [] }
    }

    static func expectedTexts(_ assertion: Assertion) -> Result<[String], AssertionIssue> {
        switch assertion.value {
        case nil:
            return .failure(AssertionIssue(field: "value", reason: "value is required (the text the output should mean)"))
        case .string(let text)?:
            return text.isEmpty ? .failure(AssertionIssue(field: "value", reason: "value must not be empty")) : .success([text])
        case .array(let elements)?:
            let texts = elements.compactMap(\.stringValue)
            guard !texts.isEmpty, texts.count == elements.count, !texts.contains(where: \.isEmpty) else {
                return .failure(AssertionIssue(field: "value", reason: "value must be a string or a non-empty array of non-empty strings"))
            }
            return .success(texts)
        case .some:
            return .failure(AssertionIssue(field: "value", reason: "value must be a string or a non-empty array of non-empty strings"))
        }
    }

    public func grade(output: String, assertion: Assertion, context: AssertionContext, grader: any ModelGrader) async -> AssertionVerdict {
        let expected: [String]
        switch Self.expectedTexts(assertion) {
        case .failure(let issue): return .invalid(issue, in: assertion)
        case .success(let texts): expected = texts
        }
        let threshold = assertion.threshold ?? Self.defaultThreshold
        let model = GraderProvider.model(for: .embedding, assertion: assertion, context: context)
        let metadata: [String: JSONValue] = ["provider": .string(model ?? "default"), "metric": .string(metric.rawValue)]
        let vectors: [[Double]]
        do {
            vectors = try await grader.embed(texts: [output] + expected, model: model)
        } catch {
            return .failedCheck("\(assertion.type): the embedding model failed: \(error)", metadata: metadata)
        }
        guard vectors.count == expected.count + 1, let first = vectors.first, !first.isEmpty,
              vectors.allSatisfy({ $0.count == first.count && $0.allSatisfy(\.isFinite) }) else {
            return .failedCheck("\(assertion.type): the embedding model returned \(vectors.count) vectors of unusable size "
                                + "for \(expected.count + 1) texts", metadata: metadata)
        }
        var best: (pass: Bool, score: Double, measure: Double, index: Int)?
        for (i, vector) in vectors.dropFirst().enumerated() {
            let measure: Double
            let score: Double
            let pass: Bool
            switch metric {
            case .cosine:
                measure = Vectors.cosine(first, vector)
                score = measure
                pass = measure >= threshold
            case .dot:
                measure = Vectors.dot(first, vector)
                score = measure
                pass = measure >= threshold
            case .euclidean:
                measure = Vectors.euclidean(first, vector)
                score = 1 / (1 + measure)
                pass = measure <= threshold
            }
            guard measure.isFinite else {
                return .failedCheck("\(assertion.type): the similarity is not a finite number", metadata: metadata)
            }
            if best == nil || (pass && !best!.pass) || (pass == best!.pass && score > best!.score) {
                best = (pass, score, measure, i)
            }
        }
        let found = best!
        var details = metadata
        details["similarity"] = .number(found.measure)
        let label = metric == .euclidean ? "Distance" : "Similarity"
        let comparison = metric == .euclidean
            ? (found.measure <= threshold ? "is at most" : "is greater than")
            : (found.measure >= threshold ? "is at least" : "is below")
        let which = expected.count > 1 ? " (closest of \(expected.count) values: \(quoted(expected[found.index], limit: 80)))" : ""
        return .measured(pass: found.pass, score: found.score,
                         detail: "\(label) \(formatted(found.measure)) \(comparison) the threshold \(JSONValue.numberText(threshold))\(which)",
                         metadata: details)
    }
}

/// Vector arithmetic for embeddings.
enum Vectors {
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    static func cosine(_ a: [Double], _ b: [Double]) -> Double {
        let norms = (dot(a, a) * dot(b, b)).squareRoot()
        return norms == 0 ? 0 : dot(a, b) / norms
    }

    static func euclidean(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
