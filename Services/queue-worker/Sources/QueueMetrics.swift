import Foundation
import Metrics
import Queue
import RedisClient

/// The queue as Prometheus sees it from each worker: its depth (every worker reports the
/// whole queue's, refreshed by the maintenance loop each second: aggregate with `max`) and
/// how long jobs take, by type and outcome.
struct QueueMetrics: Sendable {
    let queue: JobQueue

    /// `pcs_queue_depth{queue,lane}` for the lanes, `pcs_queue_jobs{queue,state}` for delayed, active and dead.
    func record(_ depth: QueueDepth) {
        for lane in QueueDepth.lanes {
            Gauge(label: "pcs_queue_depth", dimensions: [("queue", queue.name), ("lane", lane)]).record(depth.waiting[lane] ?? 0)
        }
        for (state, count) in [("delayed", depth.delayed), ("active", depth.active), ("dead", depth.dead)] {
            Gauge(label: "pcs_queue_jobs", dimensions: [("queue", queue.name), ("state", state)]).record(count)
        }
        Gauge(label: "pcs_queue_backlog", dimensions: [("queue", queue.name)]).record(depth.totalWaiting)
    }

    /// `pcs_queue_oldest_waiting_seconds{queue,lane}` (0 for a lane with no runnable job),
    /// `pcs_queue_ended{queue,state}` (jobs that ended in the last full minute) and
    /// `pcs_queue_completed_per_second{queue}` (over the last five full minutes): the queue's
    /// own figures, the same for every worker, as `GET /api/v1/queues` gives them.
    func record(_ stats: QueueStats) {
        for lane in QueueDepth.lanes {
            let seconds = Double((stats.oldestWaiting[lane] ?? .zero).milliseconds) / 1000
            Gauge(label: "pcs_queue_oldest_waiting_seconds", dimensions: [("queue", queue.name), ("lane", lane)]).record(seconds)
        }
        for state in ["completed", "dead", "cancelled"] {
            Gauge(label: "pcs_queue_ended", dimensions: [("queue", queue.name), ("state", state)]).record(stats.lastMinute[state] ?? 0)
        }
        Gauge(label: "pcs_queue_completed_per_second", dimensions: [("queue", queue.name)]).record(stats.completedPerSecond)
    }

    /// `pcs_job_duration_seconds{type,outcome}`: from claim to the job's end in this worker.
    static func jobEnded(type: String, outcome: String, after duration: Duration) {
        Metrics.Timer(label: "pcs_job_duration_seconds", dimensions: [("type", type), ("outcome", outcome)],
                      preferredDisplayUnit: .seconds).record(duration: duration)
    }
}
