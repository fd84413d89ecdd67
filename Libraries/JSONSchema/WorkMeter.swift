import Budgets
import Synchronization

/// The costly work one evaluation may still do — JSON Schema steps and regular-expression
/// CPU time — shared by every schema and regex that evaluation runs.
///
/// One check is bounded on its own (a search by `regexMatch`), but a test case may hold many:
/// a hundred slow patterns or a hundred schemas each near its limit would still add up to
/// minutes of CPU. The meter makes the whole evaluation the unit: its steps and its regex time
/// are counted together, and once one runs out every later check fails at once. Create one
/// per evaluation (per test case); it is never shared between evaluations.
public final class WorkMeter: Sendable {
    /// JSON Schema steps of the whole evaluation (`MAX_SCHEMA_STEPS`).
    public let schemaSteps: Budget
    /// Regex CPU time of the whole evaluation, in ms (`MAX_REGEX_MS_PER_TEST`).
    public let regexTime: Budget
    /// CPU time of one regex search, in ms (`MAX_REGEX_MATCH_MS`).
    public let regexMatch: Budget

    private struct Spent {
        var steps = 0
        var regexTime = Duration.zero
        var exceeded: BudgetExceeded?
    }

    private let spent = Mutex(Spent())

    public init(schemaSteps: Budget, regexTime: Budget, regexMatch: Budget) {
        self.schemaSteps = schemaSteps
        self.regexTime = regexTime
        self.regexMatch = regexMatch
    }

    /// A meter at the catalog's defaults, for callers that read no configuration.
    public static func standard() -> WorkMeter {
        WorkMeter(schemaSteps: BudgetCatalog.schemaSteps.standard,
                  regexTime: BudgetCatalog.regexMillisecondsPerTest.standard,
                  regexMatch: BudgetCatalog.regexMatchMilliseconds.standard)
    }

    /// Counts `count` schema steps; throws once the evaluation has taken more than its budget.
    public func spendSchemaSteps(_ count: Int = 1) throws(BudgetExceeded) {
        let total = spent.withLock { spent in
            spent.steps += count
            return spent.steps
        }
        guard schemaSteps.allows(total) else {
            throw record(schemaSteps.exceeded("JSON Schema work in this evaluation"))
        }
    }

    /// The first budget of this meter that ran out, if one did: the evaluation's answer is
    /// then incomplete, which an API reports as the problem naming that budget.
    public var exceeded: BudgetExceeded? { spent.withLock { $0.exceeded } }

    private func record(_ error: BudgetExceeded) -> BudgetExceeded {
        spent.withLock { spent in
            if spent.exceeded == nil { spent.exceeded = error }
        }
        return error
    }

    /// Schema steps counted so far.
    public var schemaStepsSpent: Int { spent.withLock { $0.steps } }

    /// Regex CPU time counted so far.
    public var regexTimeSpent: Duration { spent.withLock { $0.regexTime } }

    /// How long the next search may run and which budget that limit comes from: one search's
    /// limit, or what is left of the evaluation's regex time when that is less. Throws when
    /// nothing is left.
    func nextSearchLimit() throws(BudgetExceeded) -> (limit: Duration, budget: Budget) {
        let match = Duration.milliseconds(regexMatch.limit)
        let left = Duration.milliseconds(regexTime.limit) - spent.withLock { $0.regexTime }
        guard left > .zero else { throw regexTimeExceeded }
        return left < match ? (left, regexTime) : (match, regexMatch)
    }

    func spendRegexTime(_ duration: Duration) {
        spent.withLock { $0.regexTime += duration }
    }

    /// The error for the evaluation's regex time running out, recorded in `exceeded`.
    var regexTimeExceeded: BudgetExceeded {
        record(regexTime.exceeded("regular-expression time in this evaluation"))
    }
}
