import CardsAPIService
import PromptCards
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

    @Test func assertionAndImportBudgetsAreReadOnceAndChecked() throws {
        let defaults = try config([:]).limits
        #expect(defaults.assertions == .standard && defaults.imports == .standard)
        let set = try config(["MAX_ASSERTIONS_PER_TEST": "20", "MAX_SCHEMA_STEPS": "5000", "MAX_IMPORT_TESTS": "50",
                              "MAX_REGEX_MS_PER_TEST": "300"]).limits
        #expect(set.assertions.assertionsPerTest == BudgetCatalog.assertionsPerTest.budget(limit: 20))
        #expect(set.assertions.schemaSteps.limit == 5_000 && set.assertions.regexTimePerTest.limit == 300)
        #expect(set.imports.tests.limit == 50)
        for (name, value) in [("MAX_ASSERTIONS_PER_TEST", "0"), ("MAX_ASSERT_SET_DEPTH", "100"),
                              ("MAX_IMPORT_YAML_NODES", "x"), ("MAX_REGEX_MATCH_MS", "0"), ("MAX_IMPORT_BYTES", "1")] {
            #expect { try config([name: value]) } throws: { error in (error as? ConfigError)?.variable == name }
        }
    }
}
