import AsyncHTTPClient
import Events
import Foundation
import ServiceKit

/// Who may read a channel: `health`, any signed-in caller; `run:<id>` and `card:<id>`, only
/// callers cards-api lets read that run or card (its owner, or an admin). cards-api is asked
/// with the caller's own token, so the ownership rules live in one place; a yes is
/// remembered per user and channel for `ttl` (ownership never changes, and a run or card
/// deleted since has no more events to leak), a no for `refusalTTL`. Anything but a clear
/// answer refuses.
final class ChannelAccess: Sendable {
    enum Decision: Equatable, Sendable {
        case allowed
        /// Missing, or another user's: the two look the same, as they do in the API.
        case notFound
        /// cards-api could not be asked; the caller may retry.
        case unavailable
    }

    private struct Grant: Hashable, Sendable {
        let userID: UUID
        let channel: String
    }

    let cardsAPIURL: String
    private let grants: ExpiringCache<Grant, Bool>
    /// Refusals, remembered for a short while: asking again for a channel one may not read
    /// (a guessed run id, say) costs no cards-api call and no query until it expires.
    private let refusals: ExpiringCache<Grant, Bool>

    init(cardsAPIURL: String, ttl: Duration = .seconds(300), refusalTTL: Duration = .seconds(30),
         capacity: Int = 100_000) {
        self.cardsAPIURL = cardsAPIURL
        self.grants = ExpiringCache(ttl: ttl, capacity: capacity)
        self.refusals = ExpiringCache(ttl: refusalTTL, capacity: capacity)
    }

    /// `channel` is one `EventChannel.parse` accepted; `token` the caller's access token.
    func check(_ channel: String, identity: Identity, token: String) async -> Decision {
        guard let path = Self.resourcePath(of: channel) else { return .allowed }
        let grant = Grant(userID: identity.userID, channel: channel)
        if grants.value(for: grant) != nil { return .allowed }
        if refusals.value(for: grant) != nil { return .notFound }

        var request = HTTPClientRequest(url: cardsAPIURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let status: UInt
        do {
            let response = try await ServiceHTTPClient.shared.execute(request, timeout: .seconds(5))
            status = response.status.code
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            return .unavailable
        }
        switch status {
        case 200:
            grants.insert(true, for: grant)
            return .allowed
        case 403, 404:
            refusals.insert(true, for: grant)
            return .notFound
        default:
            // 401 included: realtime itself just accepted the token, so cards-api refusing it
            // means a different JWT_SECRET (or the token expired in between); say try again.
            return .unavailable
        }
    }

    /// The cards-api resource behind a channel; nil for channels open to every caller.
    static func resourcePath(of channel: String) -> String? {
        if channel.hasPrefix("run:") { return "/api/v1/runs/" + channel.dropFirst(4) }
        if channel.hasPrefix("card:") { return "/api/v1/cards/" + channel.dropFirst(5) }
        return nil
    }
}
