import HTTPTypes
import ServiceKit

/// Which public paths the gateway serves and where each goes, first matching row wins.
/// Nothing outside the table is reachable: a request no row takes is a 404 at the edge.
///
/// The table is text (`GATEWAY_ROUTES_FILE` replaces the built-in `standard` one), one route
/// per line, `#` comments:
///
///     methods  path  upstream  upstream-path  class  access  timeout  max-body  kind
///
/// `methods` is `*` or a comma list; `upstream-path` is `=` (the same path) or a pattern whose
/// `**` takes what the path's `**` matched; `timeout` (`30s`, `10m`) and `max-body` (bytes,
/// `64KiB`, `1MiB`) may be `-` for the gateway-wide setting; `access` is `none`, `user` or
/// `user+query`; `kind` is `api` or `stream`.
struct RouteTable: Sendable {
    let routes: [GatewayRoute]

    /// The suite's routes. llm-proxy's surface is mounted under `/api/v1/llm` (only its API:
    /// not its health or metrics), realtime's event stream at `/api/v1/events`.
    static let standard = """
        # methods  path                       upstream   upstream-path  class   access      timeout  max-body  kind
        *          /api/v1/auth/**            cards-api  =              auth    none        30s      64KiB     api
        GET,HEAD   /api/v1/openapi.json       cards-api  =              read    none        -        -         api
        *          /api/v1/llm/v1/**          llm-proxy  /v1/**         llm     user        -        -         stream
        *          /api/v1/llm/api/**         llm-proxy  /api/**        llm     user        -        -         stream
        GET,HEAD   /api/v1/llm/               llm-proxy  /              llm     user        -        -         api
        GET        /api/v1/events             realtime   /events        stream  user+query  -        -         stream
        POST       /api/v1/cards/*/runs       cards-api  =              runs    user        -        -         api
        GET,HEAD   /api/v1/**                 cards-api  =              read    user        -        -         api
        *          /api/v1/**                 cards-api  =              write   user        -        -         api
        """

    /// The first route that takes the request, and the upstream path it asks for.
    func route(_ method: HTTPRequest.Method, _ path: RequestPath) -> (GatewayRoute, String)? {
        for route in routes where route.accepts(method) {
            if let upstreamPath = route.upstreamPath(for: path) { return (route, upstreamPath) }
        }
        return nil
    }

    /// Whether some route takes `path` with another method (a 405 rather than a 404).
    func hasRoute(for path: RequestPath) -> Bool {
        routes.contains { $0.pattern.match(path.segments) != nil }
    }
}

extension RouteTable {
    /// Reads a table; `source` names it in errors (the variable, or the file).
    init(parsing text: String, source: String, upstreams: Set<String>) throws(ConfigError) {
        var routes: [GatewayRoute] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let columns = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if columns.isEmpty { continue }
            func fail(_ reason: String) -> ConfigError {
                ConfigError(variable: source, reason: "line \(number + 1): \(reason)")
            }
            guard columns.count == 9 else {
                throw fail("expected 9 columns (methods path upstream upstream-path class access timeout max-body kind), found \(columns.count)")
            }
            let methods: Set<HTTPRequest.Method>
            if columns[0] == "*" {
                methods = []
            } else {
                var parsed = Set<HTTPRequest.Method>()
                for name in columns[0].split(separator: ",") {
                    guard let method = HTTPRequest.Method(String(name)) else { throw fail("\"\(name)\" is not a method") }
                    parsed.insert(method)
                }
                methods = parsed
            }
            guard let pattern = RoutePattern(columns[1]) else {
                throw fail("\"\(columns[1])\" is not a path pattern (/literal/*/**, ** only last)")
            }
            guard upstreams.contains(String(columns[2])) else {
                throw fail("unknown upstream \"\(columns[2])\" (known: \(upstreams.sorted().joined(separator: ", ")))")
            }
            var upstreamPath: RoutePattern?
            if columns[3] != "=" {
                guard let parsed = RoutePattern(columns[3]) else { throw fail("\"\(columns[3])\" is not an upstream path") }
                if parsed.segments.contains("**") != pattern.segments.contains("**") {
                    throw fail("the upstream path has ** exactly when the path does")
                }
                upstreamPath = parsed
            }
            guard let access = GatewayRoute.Access(rawValue: String(columns[5])) else {
                throw fail("access \"\(columns[5])\" is none, user or user+query")
            }
            guard let kind = GatewayRoute.Kind(rawValue: String(columns[8])) else {
                throw fail("kind \"\(columns[8])\" is api or stream")
            }
            let timeout: Duration?
            do { timeout = try columns[6] == "-" ? nil : ConfigValues.duration(columns[6]) } catch { throw fail(error.reason) }
            let maxBody: Int?
            do { maxBody = try columns[7] == "-" ? nil : ConfigValues.bytes(columns[7]) } catch { throw fail(error.reason) }
            routes.append(GatewayRoute(methods: methods, pattern: pattern, upstream: String(columns[2]),
                                       upstreamPath: upstreamPath, rateClass: String(columns[4]), access: access,
                                       timeout: timeout, maxBody: maxBody, kind: kind))
        }
        guard !routes.isEmpty else { throw ConfigError(variable: source, reason: "the route table has no routes") }
        self.routes = routes
    }
}

/// Durations and sizes as the gateway's tables write them.
enum ConfigValues {
    struct Invalid: Error {
        let reason: String
    }

    /// `500ms`, `30s`, `10m`, `1h`.
    static func duration(_ text: Substring) throws(Invalid) -> Duration {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for (unit, millis) in units where text.hasSuffix(unit) {
            if let count = Int64(text.dropLast(unit.count)), count > 0, count <= 86_400_000 / millis {
                return .milliseconds(count * millis)
            }
        }
        throw Invalid(reason: "\"\(text)\" is not a duration such as 500ms, 30s, 10m, 1h")
    }

    /// `1024`, `64KiB`, `16MiB`.
    static func bytes(_ text: Substring) throws(Invalid) -> Int {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("", 1)]
        for (unit, size) in units where text.hasSuffix(unit) {
            if let count = Int(text.dropLast(unit.count)), count > 0, count <= (1 << 30) / size { return count * size }
        }
        throw Invalid(reason: "\"\(text)\" is not a size such as 1024, 64KiB, 16MiB")
    }
}
