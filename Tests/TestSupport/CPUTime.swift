import Budgets
import Foundation

/// The CPU time a synchronous piece of work takes. Bombs are bounded in work, and a test that
/// states the bound in CPU time holds on a loaded machine, where other tests and builds stretch
/// the wall-clock time of the same work several times over.
public enum CPUTime {
    /// The calling thread's CPU time so far.
    public static func now() -> Duration {
        ThreadCPUTime.now()
    }

    /// Runs `work` and returns the CPU time it took on this thread.
    public static func measure(_ work: () throws -> Void) rethrows -> Duration {
        let start = now()
        try work()
        return now() - start
    }

    /// Runs `work` on a thread of its own and returns its result and CPU time. Seconds of
    /// synchronous CPU in a test body would hold one of the few cooperative threads (two on
    /// these machines) that every other test's timers and I/O need; on its own thread it cannot.
    public static func measureOnOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> (T, Duration) {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let start = now()
                let result = work()
                continuation.resume(returning: (result, now() - start))
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
