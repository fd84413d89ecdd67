import RedisClient
import Testing

/// `redis://` URL parsing for service configuration.
struct RedisConfigurationTests {
    @Test func hostOnlyUsesDefaults() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal")
        #expect(configuration.host == "cache.internal")
        #expect(configuration.port == 6379)
        #expect(configuration.database == 0)
        #expect(configuration.username == nil)
        #expect(configuration.password == nil)
        #expect(configuration.poolSize == 16)
        #expect(configuration.connectTimeout == .seconds(5))
    }

    @Test func portAndDatabase() throws {
        let configuration = try RedisConfiguration(url: "redis://127.0.0.1:6380/7")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 6380)
        #expect(configuration.database == 7)
        #expect(try RedisConfiguration(url: "redis://localhost:6380/").database == 0)
        #expect(try RedisConfiguration(url: "REDIS://localhost").host == "localhost")
    }

    @Test func credentials() throws {
        let passwordOnly = try RedisConfiguration(url: "redis://:s3cret@redis:6379/2")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "s3cret")
        #expect(passwordOnly.host == "redis")
        #expect(passwordOnly.database == 2)

        let user = try RedisConfiguration(url: "redis://worker:p%40ss%3Aw%2Fd@redis")
        #expect(user.username == "worker")
        #expect(user.password == "p@ss:w/d")

        let userOnly = try RedisConfiguration(url: "redis://worker@redis")
        #expect(userOnly.username == "worker")
        #expect(userOnly.password == nil)
    }

    @Test func ipv6Host() throws {
        let configuration = try RedisConfiguration(url: "redis://[::1]:7000")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 7000)
    }

    @Test(arguments: [
        ("http://x", "unsupported scheme"),
        ("redis://host:70000", "out of range"),
        ("redis://host:0", "out of range"),
        ("redis://host:abc", "not a number"),
        ("redis://host:", "not a number"),
        ("rediss://host", "TLS"),
        ("redis://host/db1", "database"),
        ("redis://host/-1", "database"),
        ("redis://", "missing host"),
        ("redis://:pw@:6379", "missing host"),
        ("cache:6379", "missing scheme"),
        ("redis://host?timeout=1", "query"),
        ("redis://:bad%zz@host", "percent"),
    ])
    func badURLsThrowWithAReason(url: String, reason: String) {
        #expect {
            _ = try RedisConfiguration(url: url)
        } throws: { error in
            guard let error = error as? RedisConfigurationError else { return false }
            return error.reason.contains(reason) && error.description.contains(reason)
        }
    }

    @Test func errorsNeverEchoThePassword() {
        #expect {
            _ = try RedisConfiguration(url: "redis://:hunter2@host:99999")
        } throws: { error in
            !"\(error)".contains("hunter2")
        }
    }
}
