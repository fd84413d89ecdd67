import CardsAPIService
import ServiceKit
import Testing

/// The settings the read cache adds to cards-api's configuration.
@Suite struct CardsAPIConfigTests {
    let base = ["DATABASE_URL": "postgres://pcs:secret@db.internal:5432/pcs",
                "JWT_SECRET": "4EcMgLKzFzyt83YnpuJ5WHYMAGDBTDaeT5u+18i87AR3Zz9h8YEWXecgiytxZg2k"]

    func config(_ extra: [String: String]) throws(ConfigError) -> CardsAPIConfig {
        try CardsAPIConfig(EnvironmentReader(base.merging(extra) { $1 }))
    }

    @Test func theChangeFeedUsesTheDatabaseURLUnlessToldOtherwise() throws {
        #expect(try config([:]).databaseSession.host == "db.internal")
        let direct = try config(["DATABASE_LISTEN_URL": "postgres://pcs:secret@primary.internal:5433/pcs"])
        #expect(direct.databaseSession.host == "primary.internal" && direct.databaseSession.port == 5433)
        #expect(direct.database.host == "db.internal", "queries still go through DATABASE_URL")
    }

    @Test func cacheSettingsAreCheckedAndNamed() throws {
        #expect(try config([:]).cardCache.bytes == 64 << 20)
        #expect(try config(["CARD_CACHE_MB": "0"]).cardCache.bytes == 0)
        #expect(try config(["CARD_CACHE_TTL_SECONDS": "5"]).cardCache.timeToLive == .seconds(5))
        for (name, value) in [("CARD_CACHE_MB", "-1"), ("CARD_CACHE_MB", "lots"), ("CARD_CACHE_TTL_SECONDS", "0"),
                              ("DATABASE_LISTEN_URL", "mysql://pcs:secret@x/pcs")] {
            #expect { try config([name: value]) } throws: { error in
                guard let error = error as? ConfigError else { return false }
                return error.variable == name && !error.description.contains("secret")
            }
        }
    }
}
