import Foundation

/// A prompt card: a template whose `{{variables}}` the test cases fill in.
public struct Card: Codable, Sendable, Equatable {
    public var id: UUID
    public var ownerID: UUID
    public var title: String
    public var description: String
    public var template: String
    public var variables: [String]
    public var tags: [String]
    public var version: Int
    /// Models a run uses when it names none.
    public var defaultModels: [String]
    /// Where the end of each run of the card is announced, unless the run names its own.
    public var webhookURL: String? = nil
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, title, description, template, variables, tags, version
        case ownerID = "owner_id"
        case defaultModels = "default_models"
        case webhookURL = "webhook_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeLowercase(id, forKey: .id)
        try container.encodeLowercase(ownerID, forKey: .ownerID)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(template, forKey: .template)
        try container.encode(variables, forKey: .variables)
        try container.encode(tags, forKey: .tags)
        try container.encode(version, forKey: .version)
        try container.encode(defaultModels, forKey: .defaultModels)
        try container.encode(webhookURL, forKey: .webhookURL)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
