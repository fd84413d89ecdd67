import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One dedicated OS thread that runs submitted jobs one at a time, in order.
///
/// hiredis calls block (connect, write, read until the reply is complete), so they must
/// never run on the Swift cooperative pool or an event loop. Each connection owns one of
/// these threads; async callers suspend on a continuation until their job has run.
final class ConnectionThread: Sendable {
    private let jobs = JobQueue()

    /// Starts the thread; `name` shows up in debuggers and `top -H`.
    init(name: String) {
        // The thread holds only the queue, not `self`, so dropping the last reference to
        // this object runs deinit, which tells the thread to finish.
        let thread = Thread { [jobs] in
            ConnectionThread.blockSIGPIPE()
            jobs.runUntilStopped()
        }
        thread.name = name
        thread.start()
    }

    deinit {
        // Without this a dropped connection would leave its thread asleep forever.
        jobs.stop()
    }

    /// Queues a job; returns false (and does not run it) once the thread is stopping.
    @discardableResult
    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        jobs.submit(job)
    }

    /// Runs `body` on the thread and suspends the caller (not a thread) until it has finished.
    func run<Value: Sendable>(
        _ body: @escaping @Sendable () throws(RedisError) -> Value
    ) async throws(RedisError) -> Value {
        let result: Result<Value, RedisError> = await withCheckedContinuation { continuation in
            let accepted = jobs.submit {
                continuation.resume(returning: Result { () throws(RedisError) -> Value in try body() })
            }
            if !accepted { continuation.resume(returning: .failure(.closed)) }
        }
        return try result.get()
    }

    /// Lets already queued jobs finish, then ends the thread. Safe to call more than once.
    func stop() {
        jobs.stop()
    }

    /// Suspends until the thread has run its last job and exited.
    func waitUntilExited() async {
        await jobs.waitUntilExited()
    }

    /// hiredis writes with write(2); on a socket the server has reset, that raises SIGPIPE,
    /// whose default action kills the whole process. Blocking it on the threads that call
    /// hiredis turns it into a plain EPIPE error without changing process-wide signal state.
    static func blockSIGPIPE() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }
}

/// The FIFO of jobs a `ConnectionThread` runs, shared between callers and the thread.
private final class JobQueue: Sendable {
    private enum Job {
        case work(@Sendable () -> Void)
        case stop
    }

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var stopping = false
        var exited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []

        mutating func popFirst() -> Job? {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            head += 1
            // Compact now and then instead of paying O(n) removeFirst on every pop.
            if head > 32, head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }

    private let state = Mutex(State())
    /// Counts queued jobs; the thread sleeps on it. Waiting on a semaphore is fine here:
    /// only our own dedicated thread ever waits, never a task on the cooperative pool.
    private let jobsAvailable = DispatchSemaphore(value: 0)

    func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.jobs.append(.work(job))
            return true
        }
        if accepted { jobsAvailable.signal() }
        return accepted
    }

    func stop() {
        let first = state.withLock { state -> Bool in
            guard !state.stopping else { return false }
            state.stopping = true
            state.jobs.append(.stop)
            return true
        }
        if first { jobsAvailable.signal() }
    }

    func waitUntilExited() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alreadyExited = state.withLock { state -> Bool in
                if state.exited { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if alreadyExited { continuation.resume() }
        }
    }

    /// The thread's body: run jobs in order until the stop marker.
    func runUntilStopped() {
        while true {
            jobsAvailable.wait()
            guard let job = state.withLock({ $0.popFirst() }) else { continue }
            switch job {
            case .work(let body):
                body()
            case .stop:
                let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.exited = true
                    state.jobs.removeAll()
                    defer { state.exitWaiters.removeAll() }
                    return state.exitWaiters
                }
                for waiter in waiters { waiter.resume() }
                return
            }
        }
    }
}
