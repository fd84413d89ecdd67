import Foundation

/// One message on the `cards_changed` channel, which a trigger fills on every committed
/// change to a card (migration 4).
public enum CardChangeNotification: Equatable, Sendable {
    /// This card, of this owner, was created, changed or deleted.
    case card(id: UUID, ownerID: UUID)
    /// Everything may have changed (a TRUNCATE).
    case all

    public static let channel = "cards_changed"

    /// Parses `<card id> <owner id>` or `*`; nil for anything else.
    public init?(payload: String) {
        if payload == "*" {
            self = .all
            return
        }
        let parts = payload.split(separator: " ")
        guard parts.count == 2, let id = UUID(uuidString: String(parts[0])), let owner = UUID(uuidString: String(parts[1]))
        else { return nil }
        self = .card(id: id, ownerID: owner)
    }
}
