import Budgets
import Foundation
import ServiceKit
import Synchronization
import Testing

@Suite struct DeadlineTests {
    @Test func returnsTheResultWhenInTime() async throws {
        #expect(try await withDeadline(.seconds(1)) { 42 } == 42)
    }

    @Test func givesUpAtTheDeadlineEvenIfTheWorkIgnoresCancellation() async throws {
        let started = ContinuousClock.now
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(.milliseconds(100)) {
                // Blocks a thread the way a C call would; cancellation cannot reach it.
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        Thread.sleep(forTimeInterval: 10)
                        continuation.resume()
                    }
                }
            }
        }
        // Well before the blocked work ends (10 s), with room for a machine loaded enough to
        // delay a 100 ms timer by seconds (seen: 2.5 s at a load of 6 on 2 cores).
        #expect(ContinuousClock.now - started < .seconds(8))
    }

    /// A caller being cancelled (a worker shutting down) is not held for the rest of a long
    /// deadline by work that never answers.
    @Test func returnsAtOnceWhenTheCallerIsCancelled() async throws {
        let started = ContinuousClock.now
        let caller = Task {
            try await withDeadline(.seconds(3600)) {
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        Thread.sleep(forTimeInterval: 10)
                        continuation.resume()
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ContinuousClock.now - started < .seconds(8), "not the 10 s of the work, nor the hour of the deadline")
    }

    @Test func anAnswerThatCameBeforeTheWaitIsNotLost() async throws {
        for _ in 0..<200 {
            #expect(try await withDeadline(.seconds(60)) { 7 } == 7)
        }
    }
}
