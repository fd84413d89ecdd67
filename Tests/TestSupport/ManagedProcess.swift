import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started by a test (a server, a daemon), with its output in a log file.
///
/// It is killed when the object goes away, so a failing test does not leave servers behind.
public final class ManagedProcess: Sendable {
    /// The child's process id.
    public var pid: Int32 { process.withLock { $0.processIdentifier } }
    /// What was started, for messages.
    public let executable: String
    /// Where stdout and stderr are appended.
    public let logFile: String
    /// Foundation's `Process` is not Sendable; the Mutex serialises every access to it.
    private let process: Mutex<Process>

    /// Starts `executable` with `arguments`. `environment` is laid over the current
    /// environment; stdout and stderr are appended to `logFile` (created if missing).
    public static func launch(
        executable: String,
        arguments: [String],
        environment: [String: String] = [:],
        logFile: String
    ) async throws -> ManagedProcess {
        let managed = try ManagedProcess(
            executable: executable, arguments: arguments, environment: environment, logFile: logFile)
        try await managed.run()
        return managed
    }

    private init(executable: String, arguments: [String], environment: [String: String], logFile: String) throws {
        let descriptor = open(logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ManagedProcessError.launchFailed("cannot open log file \(logFile): \(String(cString: strerror(errno)))")
        }
        let log = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        self.executable = executable
        self.logFile = logFile
        self.process = Mutex(process)
    }

    /// Spawns the child from a fresh thread whose signal mask is empty. A child inherits the
    /// mask of the thread that spawns it and Foundation's `Process` does not reset it; the
    /// test runner's threads block SIGTERM and SIGINT, so a child spawned from one of them
    /// would ignore `terminate()` until SIGKILL.
    private func run() async throws {
        let failure: String? = await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                var nothing = sigset_t()
                sigemptyset(&nothing)
                pthread_sigmask(SIG_SETMASK, &nothing, nil)
                let failure = process.withLock { process -> String? in
                    do {
                        try process.run()
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
                continuation.resume(returning: failure)
            }
            thread.start()
        }
        if let failure {
            throw ManagedProcessError.launchFailed("cannot start \(executable): \(failure)")
        }
    }

    deinit {
        if isRunning { _ = Glibc.kill(pid, SIGKILL) }
    }

    /// True until the child has exited (and been reaped).
    public var isRunning: Bool {
        process.withLock { $0.isRunning }
    }

    /// The exit status once the child has exited, else nil.
    public var exitStatus: Int32? {
        process.withLock { $0.isRunning ? nil : $0.terminationStatus }
    }

    /// Sends `signal` to the child right away, without waiting.
    public func send(signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Asks the child to exit with SIGTERM; if it is still running after `timeout`, SIGKILL.
    /// Returns once it has exited.
    public func terminate(timeout: Duration = .seconds(5)) async {
        guard isRunning else { return }
        send(signal: SIGTERM)
        if await waitForExit(within: timeout) { return }
        send(signal: SIGKILL)
        _ = await waitForExit(within: .seconds(10))
    }

    /// Polls until the child has exited; false if it is still running after `timeout`.
    public func waitForExit(within timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Like the static `waitForPort`, but fails at once (with the log's tail) if this
    /// process exits first, e.g. because its port was taken.
    public func waitForPort(_ port: Int, host: String = "127.0.0.1", timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if await Self.canConnect(host: host, port: port) { return }
            guard isRunning else {
                throw ManagedProcessError.exited("\(executable) exited before listening on \(host):\(port)", log: logTail())
            }
            guard ContinuousClock.now < deadline else {
                throw ManagedProcessError.timedOut("nothing listening on \(host):\(port) after \(timeout)", log: logTail())
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Polls with TCP connects until something accepts on `host:port`, or throws after `timeout`.
    public static func waitForPort(_ port: Int, host: String = "127.0.0.1", timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(await canConnect(host: host, port: port)) {
            guard ContinuousClock.now < deadline else {
                throw ManagedProcessError.timedOut("nothing listening on \(host):\(port) after \(timeout)", log: "")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The last lines of the log, for error messages.
    public func logTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// One non-blocking connect attempt: the socket is polled without blocking and the task
    /// sleeps between polls, so no thread of the cooperative pool is held up.
    static func canConnect(host: String, port: Int) async -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let list else { return false }
        defer { freeaddrinfo(list) }

        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK)
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
            guard errno == EINPROGRESS else { continue }
            for _ in 0..<50 {
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&poller, 1, 0) > 0 {
                    var failure: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length)
                    if failure == 0 { return true }
                    break
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return false
    }
}

/// Why a managed process could not be started or did not come up.
public enum ManagedProcessError: Error, CustomStringConvertible {
    /// The executable or its log file could not be opened.
    case launchFailed(String)
    /// The process ended before it was ready.
    case exited(String, log: String)
    /// It did not get ready in time.
    case timedOut(String, log: String)

    /// The reason, followed by the tail of the process log when there is one.
    public var description: String {
        switch self {
        case .launchFailed(let reason): return reason
        case .exited(let reason, let log), .timedOut(let reason, let log):
            return log.isEmpty ? reason : "\(reason); log tail:\n\(log)"
        }
    }
}
