import Foundation

/// CPU time of the calling thread, the measure of the regex time budgets: they bound work, and
/// wall-clock time would charge a search for every moment another process held the core. The
/// tests state their bounds on bounded work in the same clock.
public enum ThreadCPUTime {
    /// CPU time the calling thread has used so far. A system call (~0.4 µs), so searches read
    /// it only when their cheaper wall-clock deadline passes.
    public static func now() -> Duration {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return .zero }
        return .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }
}
