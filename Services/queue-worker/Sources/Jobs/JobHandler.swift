import Foundation
import Logging
import Queue

/// What the worker does with the jobs of one type. The worker owns the job's lifecycle —
/// lease, heartbeat, deadline, cancellation, retries — and a handler only its work.
protocol JobHandler: Sendable {
    /// Does the job's work and returns its result (JSON text), kept on the job for its
    /// producer. Throwing `JobFailure` says how the failure differs from others; any other
    /// error is retried after the job's backoff while attempts remain.
    func perform(_ job: JobEnvelope, isLastAttempt: Bool, logger: Logger) async throws -> String

    /// The job ran past its deadline. Returns the result to complete it with; throwing
    /// dead-letters it with the reason, for `settle(deadLetter:)` to make good later.
    func overDeadline(_ job: JobEnvelope, reason: String, logger: Logger) async throws -> String

    /// A job of this type dead-lettered (out of attempts, stalled, or over its deadline
    /// while Postgres was down): makes whole what waits on it, e.g. a run that counts its
    /// case. Called until it returns, so it must be idempotent.
    func settle(deadLetter job: JobEnvelope, reason: String, logger: Logger) async throws
}

extension JobHandler {
    func overDeadline(_ job: JobEnvelope, reason: String, logger: Logger) async throws -> String {
        throw JobFailure.unrecoverable(reason)
    }

    func settle(deadLetter job: JobEnvelope, reason: String, logger: Logger) async throws {}
}

/// A job's result as the queue keeps it: JSON text, keys sorted, so equal results read alike.
enum JobResult {
    static func json(_ result: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(result), as: UTF8.self)
    }
}

/// A job failure that is not retried after the usual backoff.
enum JobFailure: Error, CustomStringConvertible, Equatable {
    /// Another attempt would fail the same way (a payload that cannot be read, a request
    /// the model API refuses): the job is dead-lettered now, attempts left or not.
    case unrecoverable(String)
    /// Not now (a rate limit's `Retry-After`): run it again after `after`, without counting
    /// the attempt (docs/QUEUE.md: deferred).
    case retryLater(String, after: Duration)

    var description: String {
        switch self {
        case .unrecoverable(let reason), .retryLater(let reason, _): reason
        }
    }
}

extension JobEnvelope {
    /// The job's payload as `Payload`, or the reason it is not one (unrecoverable).
    func decodePayload<Payload: Decodable>(as _: Payload.Type) throws -> Payload {
        do {
            return try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
        } catch {
            throw JobFailure.unrecoverable("invalid payload for \(type): \(PayloadError.describe(error))")
        }
    }
}

/// A decoding error as a producer can act on it: the field and what was wrong.
enum PayloadError {
    static func describe(_ error: any Error) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "missing field \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type\(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context)?: return "\(context.debugDescription)\(path(context))"
        default: return "\(error)"
        }
    }
}
