import ServiceKit
import Storage

extension CardRepository {
    /// The card named by the route's `{cardID}`, if the caller may see it; otherwise a 404
    /// (another user's card is indistinguishable from a missing one).
    func owned(by context: ServiceRequestContext) async throws -> Card {
        let id = try context.uuid("cardID", resource: "Card")
        guard let card = try await find(id: id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Card") }
        return card
    }
}
