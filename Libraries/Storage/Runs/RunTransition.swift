/// The run state machine: every status change is one of these, applied in SQL with its
/// guard (`status = ANY(from)`), so two writers racing cannot both make it and no run
/// leaves a final status.
///
///     queued ─start→ running ─complete→ completed
///       │               │
///       └───────────────┴─cancel→ cancelled, ─fail→ failed
enum RunTransition: CaseIterable {
    case start, complete, cancel, fail

    var from: [RunStatus] {
        switch self {
        case .start: [.queued]
        case .complete, .cancel, .fail: [.queued, .running]
        }
    }

    var to: RunStatus {
        switch self {
        case .start: .running
        case .complete: .completed
        case .cancel: .cancelled
        case .fail: .failed
        }
    }

    /// `from` as the text array the SQL guard compares with.
    var fromValues: [String] { from.map(\.rawValue) }
}

extension RunStatus {
    /// The statuses a run can still leave.
    static let unfinishedValues = [RunStatus.queued.rawValue, RunStatus.running.rawValue]
}
