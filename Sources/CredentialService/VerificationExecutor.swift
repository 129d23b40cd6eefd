import Foundation

/// Dedicated threads for the CPU-bound part of a request (verification), as a task executor.
///
/// Hummingbird reads request bodies on Swift's cooperative pool, one chunk per task hop. When verifications
/// also run there, each chunk of a large body waits behind whole verifications, so a 150 KiB upload took up to
/// 1.5 s at 32 connections while the median was 0.13 s. Verifying on these threads leaves the cooperative pool
/// free for I/O; the operating system shares the cores between both.
final class VerificationExecutor: TaskExecutor, @unchecked Sendable {
    /// One per process, one thread per processor (the threads live as long as the process).
    static let shared = VerificationExecutor(threads: ProcessInfo.processInfo.activeProcessorCount)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    private init(threads: Int) {
        for number in 0..<max(1, threads) {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "skillcred-verify-\(number)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while head == jobs.count { condition.wait() }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
