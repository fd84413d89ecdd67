import Foundation

/// The CPU time a synchronous piece of work takes on the calling thread. Bombs are bounded in
/// work, and a test that states the bound in CPU time holds on a loaded machine, where other
/// tests and builds stretch the wall-clock time of the same work several times over.
public enum CPUTime {
    /// The calling thread's CPU time so far.
    public static func now() -> Duration {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return .zero }
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }

    /// Runs `work` and returns the CPU time it took on this thread.
    public static func measure(_ work: () throws -> Void) rethrows -> Duration {
        let start = now()
        try work()
        return now() - start
    }
}
