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
                        Thread.sleep(forTimeInterval: 3)
                        continuation.resume()
                    }
                }
            }
        }
        // Well before the blocked work ends (3 s), with room for a loaded machine.
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
