import Foundation
import PromptCards

/// The payload of a `test-case.execute` job: everything the worker needs to run one test
/// case against one model, snapshotted at run creation so later edits to the card do not
/// change a run in flight.
public struct ExecuteTestCaseJob: Codable, Sendable, Equatable {
    public static let type = "test-case.execute"

    public var runID: UUID
    public var cardID: UUID
    public var testCaseID: UUID
    public var model: String
    public var repeatIndex: Int
    public var template: String
    public var vars: [String: JSONValue]
    public var assert: [Assertion]
    public var threshold: Double?

    public init(runID: UUID, cardID: UUID, testCaseID: UUID, model: String, repeatIndex: Int, template: String,
                vars: [String: JSONValue], assert: [Assertion], threshold: Double?) {
        self.runID = runID
        self.cardID = cardID
        self.testCaseID = testCaseID
        self.model = model
        self.repeatIndex = repeatIndex
        self.template = template
        self.vars = vars
        self.assert = assert
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case model, template, vars, assert, threshold
        case runID = "run_id"
        case cardID = "card_id"
        case testCaseID = "test_case_id"
        case repeatIndex = "repeat_index"
    }

    /// Deterministic, so enqueuing the same work twice yields the same idempotency key.
    public var jobID: String {
        "\(runID.uuidString.lowercased()):\(testCaseID.uuidString.lowercased()):\(model):\(repeatIndex)"
    }

    public func envelope(maxAttempts: Int = 3) throws -> JobEnvelope {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        return JobEnvelope(id: jobID, type: Self.type, payload: payload, maxAttempts: maxAttempts)
    }
}
