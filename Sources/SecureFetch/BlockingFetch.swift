import Dispatch
import Synchronization

extension HTTPFetching {
    /// Fetches synchronously, for callers behind a synchronous API (the did:web resolver).
    ///
    /// The fetch runs as a task that prefers its own Dispatch queue as executor, never Swift's cooperative
    /// pool, and the calling thread waits on a semaphore. A caller that is itself running on the cooperative
    /// pool (an async verifier calling a synchronous resolver) therefore cannot starve the fetch it waits
    /// for, however many such callers block at once.
    public func fetchBlocking(_ url: String, policy: FetchPolicy) throws(FetchError) -> FetchedDocument {
        let outcome = Mutex<Result<FetchedDocument, FetchError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let executor = DispatchQueueTaskExecutor(DispatchQueue(label: "skillcred.SecureFetch.blocking"))
        let task = Task(executorPreference: executor) {
            let result: Result<FetchedDocument, FetchError>
            do throws(FetchError) {
                result = .success(try await self.fetch(url, policy: policy))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        // The fetch keeps its own deadline; the grace period only covers a conformance that does not.
        let (seconds, attoseconds) = (policy.deadline + .seconds(2)).components
        let limit = DispatchTime.now() + .nanoseconds(Int(min(seconds, 86_400)) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
        if done.wait(timeout: limit) == .timedOut {
            task.cancel()
            throw FetchError(.timeout, "no complete answer within \(policy.deadline)", url: url)
        }
        switch outcome.withLock({ $0 }) {
        case .success(let document): return document
        case .failure(let error): throw error
        case nil: throw FetchError(.transport, "the fetch ended without a result", url: url)
        }
    }
}

/// Runs task jobs on a Dispatch queue, keeping blocking-bridge fetches off the cooperative pool.
final class DispatchQueueTaskExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(_ queue: DispatchQueue) { self.queue = queue }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
