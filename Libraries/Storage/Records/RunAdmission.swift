import Budgets
import Foundation
import PromptCards

/// The budgets a new run must fit, checked in the transaction that stores it so that two
/// requests of one user at once cannot both slip under a quota.
public struct RunAdmission: Sendable {
    /// Jobs in this run: test cases × models × repeat.
    public var jobsPerRun: Budget
    /// The owner's queued and running runs, this one included.
    public var activeRunsPerUser: Budget
    /// Jobs of the owner's unfinished runs not yet done, this run's included.
    public var queuedJobsPerUser: Budget

    public init(jobsPerRun: Budget, activeRunsPerUser: Budget, queuedJobsPerUser: Budget) {
        self.jobsPerRun = jobsPerRun
        self.activeRunsPerUser = activeRunsPerUser
        self.queuedJobsPerUser = queuedJobsPerUser
    }
}

/// What storing a new run did.
public enum RunCreation: Sendable, Equatable {
    /// Stored, with its snapshot (`total` counted from the card's test cases).
    case created(Run)
    /// The owner used this idempotency key before: that run; nothing new was stored.
    case existing(Run)
    /// The card has no test cases: nothing to run, nothing stored.
    case noTestCases
}

/// One job's inputs as its run stored them (`RunRepository.create` snapshots them).
public struct RunCaseSnapshot: Sendable, Equatable {
    public var template: String
    public var vars: [String: JSONValue]
    public var assert: [Assertion]
    /// The run's threshold if it set one, else the test case's.
    public var threshold: Double?

    public init(template: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) {
        self.template = template
        self.vars = vars
        self.assert = assert
        self.threshold = threshold
    }
}
