import Foundation

/// Which runs a listing returns; nil fields do not filter.
public struct RunFilter: Sendable, Equatable {
    public var ownerID: UUID?
    public var cardID: UUID?
    public var status: RunStatus?
    public var model: String?
    public var createdFrom: Date?
    public var createdBefore: Date?

    public init(ownerID: UUID? = nil, cardID: UUID? = nil, status: RunStatus? = nil, model: String? = nil,
                createdFrom: Date? = nil, createdBefore: Date? = nil) {
        self.ownerID = ownerID
        self.cardID = cardID
        self.status = status
        self.model = model
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
    }
}
