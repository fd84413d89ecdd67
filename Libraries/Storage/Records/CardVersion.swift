import Foundation

/// One immutable state of a card. Runs record the version they ran.
public struct CardVersion: Codable, Sendable, Equatable {
    public var cardID: UUID
    public var version: Int
    public var title: String
    public var description: String
    public var template: String
    public var variables: [String]
    public var tags: [String]
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case version, title, description, template, variables, tags
        case cardID = "card_id"
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeLowercase(cardID, forKey: .cardID)
        try container.encode(version, forKey: .version)
        try container.encode(title, forKey: .title)
        try container.encode(description, forKey: .description)
        try container.encode(template, forKey: .template)
        try container.encode(variables, forKey: .variables)
        try container.encode(tags, forKey: .tags)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// The fields of a card that a change may set; nil leaves a field as it is.
public struct CardChanges: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var template: String?
    /// Must accompany `template`: the template's variables.
    public var variables: [String]?
    public var tags: [String]?
    public var defaultModels: [String]?
    /// A new webhook URL; `""` removes the card's.
    public var webhookURL: String?

    public init(title: String? = nil, description: String? = nil, template: String? = nil,
                variables: [String]? = nil, tags: [String]? = nil, defaultModels: [String]? = nil,
                webhookURL: String? = nil) {
        self.title = title
        self.description = description
        self.template = template
        self.variables = variables
        self.tags = tags
        self.defaultModels = defaultModels
        self.webhookURL = webhookURL
    }
}

/// What an update led to.
public enum CardUpdate: Sendable, Equatable {
    case updated(Card)
    case notFound
    /// The caller's expected version is stale; `current` is the card as it is.
    case versionMismatch(current: Card)
}
