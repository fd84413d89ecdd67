import Foundation
import PromptCards

/// The payload of a `test-case.execute` job: one test case of a run against one model.
///
/// A run stores its inputs once, in Postgres, when it is created (the template and each test
/// case as they were then); its jobs carry only the references, so a large run is many small
/// stream entries rather than many copies of one template. A job may instead carry its inputs
/// inline (`template`, `vars`, `assert`, `threshold`), as jobs enqueued before snapshots did.
public struct ExecuteTestCaseJob: Codable, Sendable, Equatable {
    public static let type = "test-case.execute"

    /// A job's inputs when it carries them itself.
    public struct Inline: Sendable, Equatable {
        public var template: String
        public var vars: [String: JSONValue]
        public var assert: [Assertion]
        public var threshold: Double?

        public init(template: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) {
            self.template = template
            self.vars = vars
            self.assert = assert
            self.threshold = threshold
        }
    }

    public var runID: UUID
    public var cardID: UUID
    public var testCaseID: UUID
    public var model: String
    public var repeatIndex: Int
    /// Nil for a job of a run with a snapshot (the worker reads the inputs from it).
    public var inline: Inline?

    public init(runID: UUID, cardID: UUID, testCaseID: UUID, model: String, repeatIndex: Int, inline: Inline? = nil) {
        self.runID = runID
        self.cardID = cardID
        self.testCaseID = testCaseID
        self.model = model
        self.repeatIndex = repeatIndex
        self.inline = inline
    }

    enum CodingKeys: String, CodingKey {
        case model, template, vars, assert, threshold
        case runID = "run_id"
        case cardID = "card_id"
        case testCaseID = "test_case_id"
        case repeatIndex = "repeat_index"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        runID = try container.decode(UUID.self, forKey: .runID)
        cardID = try container.decode(UUID.self, forKey: .cardID)
        testCaseID = try container.decode(UUID.self, forKey: .testCaseID)
        model = try container.decode(String.self, forKey: .model)
        repeatIndex = try container.decode(Int.self, forKey: .repeatIndex)
        if let template = try container.decodeIfPresent(String.self, forKey: .template) {
            inline = Inline(template: template,
                            vars: try container.decodeIfPresent([String: JSONValue].self, forKey: .vars) ?? [:],
                            assert: try container.decodeIfPresent([Assertion].self, forKey: .assert) ?? [],
                            threshold: try container.decodeIfPresent(Double.self, forKey: .threshold))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(runID.uuidString.lowercased(), forKey: .runID)
        try container.encode(cardID.uuidString.lowercased(), forKey: .cardID)
        try container.encode(testCaseID.uuidString.lowercased(), forKey: .testCaseID)
        try container.encode(model, forKey: .model)
        try container.encode(repeatIndex, forKey: .repeatIndex)
        if let inline {
            try container.encode(inline.template, forKey: .template)
            try container.encode(inline.vars, forKey: .vars)
            try container.encode(inline.assert, forKey: .assert)
            try container.encodeIfPresent(inline.threshold, forKey: .threshold)
        }
    }

    /// Deterministic, so enqueuing the same work twice yields the same idempotency key.
    public var jobID: String {
        "\(runID.uuidString.lowercased()):\(testCaseID.uuidString.lowercased()):\(model):\(repeatIndex)"
    }

    /// The queue group of a run's jobs: the queue shares its workers fairly across runs and
    /// holds each run to its `concurrency`.
    public static func group(ofRun runID: UUID) -> String { "run:\(runID.uuidString.lowercased())" }

    /// The job as the queue takes it.
    /// - Parameters:
    ///   - owner: whose run it is: the queue shares its workers fairly across owners.
    ///   - concurrency: the most jobs of the run that may run at once, across all workers.
    ///   - traceparent: the producer's W3C trace context, so the job's work joins its trace.
    public func envelope(owner: UUID? = nil, concurrency: Int? = nil, maxAttempts: Int = 3,
                         traceparent: String? = nil) throws -> JobEnvelope {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        return JobEnvelope(id: jobID, type: Self.type, payload: payload, maxAttempts: maxAttempts,
                           owner: owner?.uuidString.lowercased(), group: Self.group(ofRun: runID),
                           groupConcurrency: concurrency, traceparent: traceparent)
    }
}
