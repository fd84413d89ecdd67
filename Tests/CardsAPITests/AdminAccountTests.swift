import Foundation
import HTTPTypes
import TestSupport
import Testing

/// Nobody becomes admin by registering, and one address is one account however it is spelled.
@Suite struct AdminAccountTests {
    @Test func registeringTheBootstrapAdminsAddressBeforeItStartsGivesNoAdminRights() async throws {
        // ADMIN_EMAIL names an address that a stranger already registered (with their own
        // password): start-up must not hand that account the admin role.
        try await CardsAPIHarness.with { api in
            let squatted = "owner@example.com"
            let registered = try await api.send(.post, "/api/v1/auth/register",
                                                json: ["email": squatted, "password": "squatter's password"])
            #expect(registered.status == .created)
            #expect(registered.object["role"] as? String == "user")
        }
        try await CardsAPIHarness.with(admin: "root@example.com") { api in
            // The listed address registered by someone else: refused (the bootstrap made it already).
            let taken = try await api.send(.post, "/api/v1/auth/register",
                                           json: ["email": "ROOT@example.com", "password": "a guess at it"])
            #expect(taken.status == .conflict)
            let (admin, _) = try await api.login("root@example.com")
            let me = try await api.send(.get, "/api/v1/auth/me", token: admin)
            #expect(me.object["role"] as? String == "admin")
            // Any other address registers as a plain user.
            let (user, _) = try await api.account()
            #expect(try await api.send(.get, "/api/v1/auth/me", token: user).object["role"] as? String == "user")
        }
    }

    @Test func aBootstrapAdminWhosePasswordDoesNotMatchTheExistingAccountIsRefused() async throws {
        try await CardsAPIHarness.onOneDatabase { url, database in
            // First start, no admin configured: a user registers the address with their own password.
            try await CardsAPIHarness.instance(url: url, database: database) { api in
                let registered = try await api.send(.post, "/api/v1/auth/register",
                                                    json: ["email": "squat@example.com", "password": "the squatter's"])
                #expect(registered.status == .created)
            }
            // Restart naming it ADMIN_EMAIL with the operator's password: the grant is refused.
            try await CardsAPIHarness.instance(url: url, database: database, admin: "squat@example.com") { api in
                let (token, _) = try await api.login("squat@example.com", password: "the squatter's")
                #expect(try await api.send(.get, "/api/v1/auth/me", token: token).object["role"] as? String == "user",
                        "a password that is not the operator's grants nothing")
                let operators = try await api.send(.post, "/api/v1/auth/login",
                                                   json: ["email": "squat@example.com", "password": CardsAPIHarness.password])
                #expect(operators.status == .unauthorized, "the account keeps its owner's password")
            }
            // The operator's own account, registered by the operator: granted on the next start.
            try await CardsAPIHarness.instance(url: url, database: database) { api in
                _ = try await api.account("ops@example.com")
            }
            try await CardsAPIHarness.instance(url: url, database: database, admin: "ops@example.com") { api in
                let (token, _) = try await api.login("ops@example.com")
                #expect(try await api.send(.get, "/api/v1/auth/me", token: token).object["role"] as? String == "admin")
            }
        }
    }

    @Test(arguments: [
        "\u{212A}elvin@example.com",   // KELVIN SIGN, which lowercases to "k"
        "KELVIN@example.com",
        "\u{FF4B}elvin@example.com",   // FULLWIDTH LATIN SMALL LETTER K
        " kelvin@example.com ",
    ])
    func anotherSpellingOfARegisteredAddressIsTheSameAccount(_ spelling: String) async throws {
        try await CardsAPIHarness.with { api in
            _ = try await api.account("kelvin@example.com")
            let again = try await api.send(.post, "/api/v1/auth/register", json: ["email": spelling, "password": "other password"])
            #expect(again.status == .conflict, "\(spelling.unicodeScalars.map { String($0.value, radix: 16) }): \(again.text)")
            let login = try await api.send(.post, "/api/v1/auth/login",
                                           json: ["email": spelling, "password": CardsAPIHarness.password])
            #expect(login.status == .ok, "signing in with another spelling reaches the one account")
        }
    }
}

/// `cards-api admin grant|revoke EMAIL`, the operator's command, run as the shipped binary.
@Suite struct AdminCommandTests {
    @Test func grantAndRevokeChangeTheRoleAndSayWhatTheyDid() async throws {
        let binary = try TestEnvironment.binDirectory() + "/cards-api"
        try await CardsAPIHarness.onOneDatabase { url, database in
            try await CardsAPIHarness.instance(url: url, database: database) { api in
                _ = try await api.account("lead@example.com")
                let env = ["DATABASE_URL": url]
                // Another spelling of the address names the same account.
                let granted = try await ShellCommand.run(binary, ["admin", "grant", "LEAD@example.com"], environment: env)
                #expect(granted.contains("is now an admin"), "\(granted)")
                let (admin, _) = try await api.login("lead@example.com")
                #expect(try await api.send(.get, "/api/v1/auth/me", token: admin).object["role"] as? String == "admin")

                try await ShellCommand.run(binary, ["admin", "revoke", "lead@example.com"], environment: env)
                let (user, _) = try await api.login("lead@example.com")
                #expect(try await api.send(.get, "/api/v1/auth/me", token: user).object["role"] as? String == "user")

                await #expect(throws: ShellCommand.Failed.self, "no such account: exit 1") {
                    try await ShellCommand.run(binary, ["admin", "grant", "nobody@example.com"], environment: env)
                }
                do {
                    try await ShellCommand.run(binary, ["admin", "promote", "lead@example.com"], environment: env)
                    Issue.record("an unknown subcommand must fail")
                } catch let failure as ShellCommand.Failed {
                    #expect(failure.status == 64 && failure.output.contains("usage: cards-api admin grant|revoke EMAIL"))
                }
            }
        }
    }
}
