import Foundation
import Queue
import RedisClient
import Synchronization

// The queue's own throughput, for bench/queue.sh: no-op jobs through the whole path (enqueue →
// claim → handler → complete → state) at a given consumer concurrency, or enqueueing alone
// (one job per round trip, or pipelined batches of 100). Prints one line of JSON.
//
//   queue-bench <redis url> path <concurrency> <jobs>
//   queue-bench <redis url> enqueue <single|batch> <jobs>

let arguments = CommandLine.arguments
guard arguments.count == 5, let jobs = Int(arguments[4]) else {
    FileHandle.standardError.write(Data("usage: queue-bench <redis url> path <concurrency> <jobs> | enqueue <single|batch> <jobs>\n".utf8))
    exit(2)
}
var configuration = try RedisConfiguration(url: arguments[1])
let concurrency = Int(arguments[3]) ?? 1
configuration.poolSize = max(concurrency, 1) * 2 + 4
let redis = RedisClient(configuration: configuration)
let queue = JobQueue(name: "bench-\(UUID().uuidString.prefix(8))", redis: redis, keys: RedisKeys(prefix: "bench"),
                     retention: .seconds(120))
try await queue.prepare()

@Sendable func noop(_ index: Int) -> JobEnvelope {
    JobEnvelope(id: "j\(index)", type: "noop", payload: "{}", owner: "bench")
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}


final class Counter: Sendable {
    let value = Atomic(0)
}

/// Consumers claim and complete jobs while a producer enqueues them, until all are done.
func runPath(queue: JobQueue, jobs: Int, concurrency: Int) async throws {
    let done = Counter()
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            for start in stride(from: 0, to: jobs, by: 100) {
                try await queue.enqueue((start..<min(start + 100, jobs)).map(noop))
            }
        }
        for _ in 0..<concurrency {
            group.addTask {
                // As queue-worker's consumers do: one worker name for the process; claim, run,
                // complete and claim the next in one call (shared by consumers that finish at once).
                let request = JobQueue.ClaimRequest(worker: "bench-worker", lease: .seconds(60), maxStalls: 2)
                var next: [ClaimedJob] = []
                while done.value.load(ordering: .relaxed) < jobs {
                    if next.isEmpty {
                        next = try await queue.claim(request)
                        if next.isEmpty {
                            try await queue.waitForWork(timeout: .milliseconds(50))
                            continue
                        }
                    }
                    let job = next.removeFirst()
                    // The handler: nothing. The result is stored as a real one would be.
                    next = try await queue.complete(job, result: "null", thenClaim: request).next
                    done.value.add(1, ordering: .relaxed)
                }
                for job in next { try await queue.release(job) }
            }
        }
        try await group.waitForAll()
    }
}

let started = ContinuousClock.now
switch arguments[2] {
case "enqueue":
    if arguments[3] == "single" {
        for index in 0..<jobs { try await queue.enqueue(noop(index)) }
    } else {
        for start in stride(from: 0, to: jobs, by: 100) {
            try await queue.enqueue((start..<min(start + 100, jobs)).map(noop))
        }
    }
case "path":
    try await runPath(queue: queue, jobs: jobs, concurrency: concurrency)
default:
    FileHandle.standardError.write(Data("unknown mode \(arguments[2])\n".utf8))
    exit(2)
}
let elapsed = seconds(ContinuousClock.now - started)
let completed = try await redis.send(["HGET", queue.base + ":stats", "completed"]).int ?? 0
print(#"{"mode":"\#(arguments[2])","variant":"\#(arguments[3])","jobs":\#(jobs),"seconds":\#(elapsed),"# +
      #""per_second":\#(Int(Double(jobs) / elapsed)),"completed":\#(completed)}"#)
_ = try await redis.send(["EVAL", "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', k) end return 1", "0",
                          queue.base + "*"])
await redis.shutdown()
