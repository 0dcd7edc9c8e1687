import Synchronization

/// The engine's runs and deliveries, as children of one task group that the engine's service
/// owns (`Engine.run()`): the group ends only once every job in it has ended, so no run or
/// delivery outlives the service. Each job can be cancelled alone through its handle (a
/// timeout, `cancel_previous`, a lost lease, the drain deadline). An engine driven pass by
/// pass without its service (tests call `step()`) runs each job in a task of its own.
final class WorkGroup: Sendable {
    typealias Job = @Sendable () async -> Void

    private struct Queue {
        var jobs: [Job] = []
        var accepting = false
        var closed = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let queue = Mutex(Queue())

    /// From now on jobs go to the group (those started before `run()` begins wait for it;
    /// those started before `accept()` run in tasks of their own).
    func accept() {
        queue.withLock { $0.accepting = true }
    }

    /// Runs the jobs started until `close()`, then waits for those still in flight. It does
    /// not end when its task is cancelled (its jobs are cancelled with it): only `close()`,
    /// called once nothing can start a job any more, ends it, so no job is left unrun.
    func run() async {
        await withDiscardingTaskGroup { group in
            while let jobs = await next() {
                for job in jobs {
                    // Once the service is cancelled, a job started by its drain (a delivery)
                    // would start cancelled in this group: it runs in a task of its own, and
                    // the drain waits for it through its handle, up to its deadline.
                    if Task.isCancelled {
                        Task { await job() }
                    } else {
                        group.addTask { await job() }
                    }
                }
            }
        }
    }

    /// No more jobs: `run()` returns once those in flight have ended.
    func close() {
        let waiter = queue.withLock { q -> CheckedContinuation<Void, Never>? in
            q.closed = true
            q.accepting = false
            defer { q.waiter = nil }
            return q.waiter
        }
        waiter?.resume()
    }

    /// Starts a job in the group (or in a task of its own when no group runs).
    func start(_ work: @escaping @Sendable () async -> Void) -> JobHandle {
        let handle = JobHandle()
        let job: Job = { await handle.run(work) }
        let (queued, waiter) = queue.withLock { q -> (Bool, CheckedContinuation<Void, Never>?) in
            guard q.accepting, !q.closed else { return (false, nil) }
            q.jobs.append(job)
            defer { q.waiter = nil }
            return (true, q.waiter)
        }
        waiter?.resume()
        if !queued { Task { await job() } }
        return handle
    }

    /// The jobs started since the last call, waiting for one; `nil` once closed and empty.
    private func next() async -> [Job]? {
        enum Step { case jobs([Job]), closed, wait }
        while true {
            let step = queue.withLock { q -> Step in
                if !q.jobs.isEmpty {
                    defer { q.jobs = [] }
                    return .jobs(q.jobs)
                }
                return q.closed ? .closed : .wait
            }
            switch step {
            case .jobs(let jobs): return jobs
            case .closed: return nil
            case .wait:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = queue.withLock { q -> Bool in
                        if !q.jobs.isEmpty || q.closed { return true }
                        q.waiter = c
                        return false
                    }
                    if now { c.resume() }
                }
            }
        }
    }
}

/// One job of a ``WorkGroup``: cancel it alone, or wait for its end.
final class JobHandle: Sendable {
    /// The task running the job, while it runs: cancelling it is cancelling the job.
    private struct Running: @unchecked Sendable {
        // Only used under the lock, between the job's start and its end, while the task lives.
        let task: UnsafeCurrentTask
    }
    private struct State {
        var cancelled = false
        var running: Running?
        /// The job has returned.
        var finished = false
        var endWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Runs the work in the current task (a child of the work group): `cancel()` cancels this
    /// task while the work runs, and a cancellation of the group reaches it as well. No task of
    /// its own per job: a run costs one task, not two.
    func run(_ work: @escaping @Sendable () async -> Void) async {
        withUnsafeCurrentTask { task in
            guard let task else { return }
            state.withLock { s in
                if s.cancelled { task.cancel() } else { s.running = Running(task: task) }
            }
        }
        await work()
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.running = nil
            s.finished = true
            defer { s.endWaiters = [] }
            return s.endWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Cancels the job (its work sees `Task.isCancelled`).
    func cancel() {
        state.withLock { s in
            s.cancelled = true
            // The task is alive: it clears `running` under this lock before it returns.
            s.running?.task.cancel()
        }
    }

    /// Returns once the job has ended.
    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.finished { return true }
                s.endWaiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}
