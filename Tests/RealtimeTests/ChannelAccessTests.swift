import Foundation
@testable import RealtimeService
import ServiceKit
import TestSupport
import Testing

/// Channel access fails closed. (Owner, stranger and admin against the real cards-api are
/// covered end to end in RunSliceEndToEndTests.)
@Suite struct ChannelAccessTests {
    let caller = Identity(userID: UUID(), email: "a@b.co", role: "user")

    @Test func whenCardsAPICannotBeAskedNobodyGetsARunOrCardChannel() async throws {
        try await ClosedPort.with { port in
            let access = ChannelAccess(cardsAPIURL: "http://127.0.0.1:\(port)")
            #expect(await access.check("run:\(UUID().uuidString.lowercased())", identity: caller, token: "t") == .unavailable)
            #expect(await access.check("card:\(UUID().uuidString.lowercased())", identity: caller, token: "t") == .unavailable)
            #expect(await access.check("health", identity: caller, token: "t") == .allowed, "health needs no owner")
        }
    }

    @Test func channelsMapToTheResourcesThatOwnThem() {
        let id = UUID().uuidString.lowercased()
        #expect(ChannelAccess.resourcePath(of: "run:\(id)") == "/api/v1/runs/\(id)")
        #expect(ChannelAccess.resourcePath(of: "card:\(id)") == "/api/v1/cards/\(id)")
        #expect(ChannelAccess.resourcePath(of: "health") == nil)
    }
}
