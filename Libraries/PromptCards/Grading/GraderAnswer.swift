/// Reading what a grader model answered. Small models wrap their JSON in prose or code
/// fences, so the first JSON object with the expected keys is taken from anywhere in the
/// answer; anything else is a malformed answer, which fails the assertion with a reason.
enum GraderAnswer {
    /// A rubric verdict.
    struct Rubric: Equatable {
        var pass: Bool
        var score: Double
        var reason: String
    }

    /// The verdict in `answer`: `pass` (default true, as promptfoo), `score` (default 1 or 0
    /// after `pass`, between 0 and 1), `reason`; or why it cannot be read.
    static func rubric(_ answer: String) -> Result<Rubric, MalformedAnswer> {
        let objects = JSONParser.containedValues(in: answer).values.compactMap(\.objectValue)
        guard let object = objects.first(where: { $0["pass"] != nil || $0["score"] != nil }) else {
            return .failure(MalformedAnswer(reason: "it is not the JSON object {reason, score, pass} it was asked for"))
        }
        var pass = true
        switch object["pass"] {
        case nil, .null?: break
        case .bool(let value)?: pass = value
        case .string(let text)? where ["true", "false"].contains(text.lowercased()): pass = text.lowercased() == "true"
        default: return .failure(MalformedAnswer(reason: "its \"pass\" is not a boolean"))
        }
        var score = pass ? 1.0 : 0.0
        switch object["score"] {
        case nil, .null?: break
        case .number(let value)?: score = value
        case .string(let text)?:
            guard let value = Double(text) else { return .failure(MalformedAnswer(reason: "its \"score\" is not a number")) }
            score = value
        default: return .failure(MalformedAnswer(reason: "its \"score\" is not a number"))
        }
        guard score.isFinite, (0...1).contains(score) else {
            return .failure(MalformedAnswer(reason: "its \"score\" \(JSONValue.numberText(score)) is not between 0 and 1"))
        }
        let reason = object["reason"].map(\.text) ?? "no reason given"
        return .success(Rubric(pass: pass, score: score, reason: reason))
    }

    /// The factuality category (A–E) and the grader's reason.
    static func factuality(_ answer: String) -> Result<(category: Character, reason: String), MalformedAnswer> {
        let objects = JSONParser.containedValues(in: answer).values.compactMap(\.objectValue)
        if let object = objects.first(where: { $0["category"] != nil }) {
            guard let category = object["category"]?.stringValue.flatMap(letter) else {
                return .failure(MalformedAnswer(reason: "its \"category\" is not one of A, B, C, D, E"))
            }
            return .success((category, object["reason"].map(\.text) ?? "no reason given"))
        }
        // The OpenAI eval's plain form: "(B)" somewhere, or an answer that is just the letter.
        let scalars = Array(answer.unicodeScalars)
        for i in scalars.indices.dropLast(2) where scalars[i] == "(" && scalars[i + 2] == ")" {
            if let category = letter(String(scalars[i + 1])) { return .success((category, answer)) }
        }
        let trimmed = answer.trimmingJSONSpace()
        if trimmed.count == 1, let category = letter(String(trimmed)) { return .success((category, answer)) }
        return .failure(MalformedAnswer(reason: "it names no category: expected {\"category\": \"A\"…\"E\", \"reason\": …}"))
    }

    private static func letter(_ text: String) -> Character? {
        let cleaned = text.trimmingJSONSpace().trimming("()")
        guard cleaned.count == 1, let first = cleaned.uppercased().first, "ABCDE".contains(first) else { return nil }
        return first
    }

    /// The questions in a relevance answer: one per non-empty line, numbering and bullets removed.
    static func questions(_ answer: String, limit: Int) -> [String] {
        answer.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            var text = Substring(line).trimmingJSONSpace()
            while let first = text.first, first.isNumber || "-*•.)".contains(first) || first == " " {
                text = text.dropFirst()
            }
            let question = text.trimmingJSONSpace()
            return question.count >= 3 ? String(question) : nil
        }.prefix(limit).map { $0 }
    }

    /// Why an answer could not be read.
    struct MalformedAnswer: Error {
        let reason: String
    }
}
