import RateLimiting
import RedisClient
import ServiceKit

/// The gateway's rate limits: one table of rules, each a rate for one route class (`*` for
/// every class) and one subject (`ip`, `user`, `key`). A request is checked against every
/// rule of its class at once, in one round trip, and counts against all of them or none.
///
/// The table is text, one rule per line (or `;`-separated in `GATEWAY_RATE_LIMITS`), `#` comments:
///
///     class  per  rate  burst
///
/// `rate` is `<limit>/<period>` (`600/1m`); `burst` is how many may come at once (the bucket
/// size). Over any window of the period, a subject gets at most limit + burst.
struct GatewayRateLimits: Sendable {
    /// Whose budget a rule counts.
    enum Subject: String, Sendable, CaseIterable {
        /// The client's address (its /64 for IPv6), as the trusted proxies report it.
        case ip
        /// The authenticated user, whether by token or API key.
        case user
        /// The API key (requests with a token have none).
        case key
    }

    struct Rule: Sendable {
        /// A route class, or `*`.
        let routeClass: String
        let subject: Subject
        let rate: RateLimit
    }

    let rules: [Rule]

    /// Generous for people and CI, tight where guessing pays (auth, per address), and per
    /// user for what costs the suite most (runs, LLM calls).
    static let standard = """
        # class  per   rate       burst
        *        ip    12000/1m   2000
        auth     ip    60/1m      20
        read     user  6000/1m    1000
        write    user  1200/1m    200
        runs     user  120/1m     30
        llm      user  1200/1m    200
        stream   user  120/1m     30
        """

    /// The rules that apply to a route class, and their rates (for `RateLimit-Policy`).
    func rules(for routeClass: String) -> [Rule] {
        rules.filter { $0.routeClass == routeClass || $0.routeClass == "*" }
    }
}

extension GatewayRateLimits {
    init(parsing text: String, source: String) throws(ConfigError) {
        var rules: [Rule] = []
        let lines = text.split(whereSeparator: { $0 == "\n" || $0 == ";" })
        for (number, line) in lines.enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let columns = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if columns.isEmpty { continue }
            func fail(_ reason: String) -> ConfigError {
                ConfigError(variable: source, reason: "rule \(number + 1): \(reason)")
            }
            guard columns.count == 3 || columns.count == 4 else {
                throw fail("expected class, per, rate and optionally burst, found \(columns.count) columns")
            }
            guard columns[0] == "*" || columns[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw fail("class \"\(columns[0])\" has characters other than letters, digits, - and _")
            }
            guard let subject = Subject(rawValue: String(columns[1])) else {
                throw fail("per \"\(columns[1])\" is ip, user or key")
            }
            var burst: Int?
            if columns.count == 4 {
                guard let value = Int(columns[3]), value > 0 else { throw fail("burst \"\(columns[3])\" is not a positive number") }
                burst = value
            }
            let name = "\(columns[0] == "*" ? "all" : columns[0])-\(subject.rawValue)"
            do {
                let rate = try RateLimit.parse(name: name, rate: columns[2], burst: burst)
                rules.append(Rule(routeClass: String(columns[0]), subject: subject, rate: rate))
            } catch {
                throw fail(error.description)
            }
        }
        self.rules = rules
    }
}
