import Foundation
import JSONCore

/// Every event of a run's life, typed: producers build these (never dictionaries), the
/// outbox stores them, realtime and clients read them back. The JSON of each payload is
/// documented with an example in docs/EVENTS.md.
public enum RunEvent: Sendable, Equatable {
    case runQueued(RunQueued)
    case runStarted(RunStarted)
    case caseCompleted(CaseCompleted)
    case runProgress(RunProgress)
    case runCompleted(RunSummary)
    case runCancelled(RunSummary)
    case runFailed(RunSummary)

    public var type: EventType {
        switch self {
        case .runQueued: .runQueued
        case .runStarted: .runStarted
        case .caseCompleted: .caseCompleted
        case .runProgress: .runProgress
        case .runCompleted: .runCompleted
        case .runCancelled: .runCancelled
        case .runFailed: .runFailed
        }
    }

    /// The channels the event goes to: always its run's; a run's start and end also go to
    /// its card's, which is what a card page watches.
    public var channels: [String] {
        switch self {
        case .runQueued(let queued): ["run:\(queued.runID)", "card:\(queued.cardID)"]
        case .runStarted(let started): ["run:\(started.runID)"]
        case .caseCompleted(let result): ["run:\(result.runID)"]
        case .runProgress(let progress): ["run:\(progress.runID)"]
        case .runCompleted(let run), .runCancelled(let run), .runFailed(let run): ["run:\(run.runID)", "card:\(run.cardID)"]
        }
    }

    /// The payload as JSON (what `EventEnvelope.data` carries).
    public func data() throws -> JSONValue {
        switch self {
        case .runQueued(let payload): try Self.json(payload)
        case .runStarted(let payload): try Self.json(payload)
        case .caseCompleted(let payload): try Self.json(payload)
        case .runProgress(let payload): try Self.json(payload)
        case .runCompleted(let payload), .runCancelled(let payload), .runFailed(let payload): try Self.json(payload)
        }
    }

    /// Reads an event back from its type and payload.
    public init(type: EventType, data: JSONValue) throws {
        switch type {
        case .runQueued: self = .runQueued(try Self.decode(data))
        case .runStarted: self = .runStarted(try Self.decode(data))
        case .caseCompleted: self = .caseCompleted(try Self.decode(data))
        case .runProgress: self = .runProgress(try Self.decode(data))
        case .runCompleted: self = .runCompleted(try Self.decode(data))
        case .runCancelled: self = .runCancelled(try Self.decode(data))
        case .runFailed: self = .runFailed(try Self.decode(data))
        }
    }

    private static func json(_ payload: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(payload))
    }

    private static func decode<T: Decodable>(_ data: JSONValue) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(data))
    }
}

/// A uuid as events spell it: lowercase, as every id in the API.
func lowercased(_ id: UUID) -> String { id.uuidString.lowercased() }
