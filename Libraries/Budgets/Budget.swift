/// One named limit on an input: how big, how many, how deep, how much work or how long.
///
/// Every budget the suite enforces is a `Budget`, defined once in `BudgetCatalog` with the
/// environment variable that sets it (its `name`), its default and the range an operator may
/// choose. Going over one is never a crash: it is a `BudgetExceeded`, which an HTTP handler
/// answers as a 4xx problem naming the limit and a job records as an errored case.
public struct Budget: Sendable, Hashable, CustomStringConvertible {
    /// What a budget bounds; it decides the HTTP status of going over it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Bytes or characters of one thing (a body, a rendered prompt, a document): 413.
        case size
        /// How many of something one request or job holds (assertions, tests, jobs): 400.
        case count
        /// How deep something nests (assert-sets, YAML, JSON): 400.
        case nesting
        /// Steps of computation (schema evaluation, alias expansion): 422.
        case work
        /// Wall-clock time (a regex, a job, grading): 422.
        case time
        /// What one user may hold at once (queued jobs, runs in flight, connections): 429.
        case quota
    }

    /// The environment variable that sets this budget, e.g. `MAX_RENDERED_PROMPT_BYTES`;
    /// also the name clients see in a problem's `limit.name`.
    public let name: String
    /// The limit in force; a value equal to it is allowed, one above it is not.
    public let limit: Int
    /// What `limit` counts, plural: "bytes", "assertions", "levels", "steps", "ms", "jobs".
    public let unit: String
    public let kind: Kind

    public init(name: String, limit: Int, unit: String, kind: Kind) {
        self.name = name
        self.limit = limit
        self.unit = unit
        self.kind = kind
    }

    /// `name` = `limit` `unit`, e.g. "MAX_RENDERED_PROMPT_BYTES = 1000000 bytes".
    public var description: String { "\(name) = \(limit) \(unit)" }

    /// The same budget with another limit (tests, or a caller that narrows it further).
    public func with(limit: Int) -> Budget {
        Budget(name: name, limit: limit, unit: unit, kind: kind)
    }

    /// Whether `amount` stays within the budget.
    public func allows(_ amount: Int) -> Bool { amount <= limit }

    /// Throws when `amount` goes over the budget; `what` says what was measured
    /// ("the rendered prompt", "assertions in this test"), `field` where it is in the request.
    public func check(_ amount: Int, _ what: @autoclosure () -> String, field: String? = nil) throws(BudgetExceeded) {
        guard amount > limit else { return }
        throw exceeded(what(), field: field)
    }

    /// The error for going over this budget.
    public func exceeded(_ what: String, field: String? = nil) -> BudgetExceeded {
        BudgetExceeded(budget: self, what: what, field: field)
    }
}

/// Going over a `Budget`. Its `description` is the sentence a client or an errored case shows:
/// "the rendered prompt is over the limit of 1000000 bytes (MAX_RENDERED_PROMPT_BYTES)".
public struct BudgetExceeded: Error, Sendable, Hashable, CustomStringConvertible {
    public let budget: Budget
    /// What went over, as a noun phrase.
    public let what: String
    /// A JSON path into the request (`assert[0].value`), when the excess is in one field.
    public let field: String?

    public init(budget: Budget, what: String, field: String? = nil) {
        self.budget = budget
        self.what = what
        self.field = field
    }

    public var reason: String { "\(what) is over the limit of \(budget.limit) \(budget.unit) (\(budget.name))" }

    public var description: String { reason }
}
