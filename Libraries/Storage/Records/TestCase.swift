import Foundation
import PromptCards

/// Variable values for a card plus the assertions its answer must satisfy
/// (promptfoo's field names: `vars`, `assert`, `threshold`).
public struct TestCase: Codable, Sendable, Equatable {
    public var id: UUID
    public var cardID: UUID
    public var description: String
    public var vars: [String: JSONValue]
    public var assert: [Assertion]
    public var threshold: Double?
    public var createdAt: Date

    /// What the test case says, without where it is stored.
    public var content: TestCaseContent {
        TestCaseContent(description: description, vars: vars, assert: assert, threshold: threshold)
    }

    enum CodingKeys: String, CodingKey {
        case id, description, vars, assert, threshold
        case cardID = "card_id"
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeLowercase(id, forKey: .id)
        try container.encodeLowercase(cardID, forKey: .cardID)
        try container.encode(description, forKey: .description)
        try container.encode(vars, forKey: .vars)
        try container.encode(assert, forKey: .assert)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
