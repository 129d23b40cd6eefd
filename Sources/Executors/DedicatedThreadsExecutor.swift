import Foundation

/// A task executor with threads of its own, for work that must not wait behind (or hold up) Swift's cooperative pool.
///
/// Work started under `withTaskExecutorPreference(executor)` runs here, its child tasks and the continuations it awaits
/// included; the operating system shares the cores between these threads and the pool's. (What the operation does
/// before its first suspension, a call into another module's async function or an await, may still run on the caller's
/// thread.) Jobs run first come, first served. The threads live as long as the process: make one per purpose, once.
public final class DedicatedThreadsExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var head = 0

    /// Starts `threads` threads (at least one), named `name-0`, `name-1`, … (`name` cut so that each fits the 15
    /// bytes Linux keeps).
    public init(threads: Int, name: String) {
        for number in 0..<max(1, threads) {
            let threadName = ThreadName.fitted(name, suffix: "-\(number)")
            let thread = Thread { [unowned self] in
                ThreadName.setForCurrentThread(threadName)
                self.work()
            }
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
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

/// Thread names as Linux keeps them: what `perf`, gdb and `/proc` show.
package enum ThreadName {
    /// `name` with `suffix`, `name` cut so that the whole fits the 15 bytes Linux keeps (it silently keeps the old
    /// name when given a longer one).
    package static func fitted(_ name: String, suffix: String = "") -> String {
        var base = Substring(name)
        while base.utf8.count + suffix.utf8.count > 15, !base.isEmpty { base = base.dropLast() }
        return String(base) + suffix
    }

    /// Names the calling thread (`name` as ``fitted(_:suffix:)`` cuts it). Call it first thing in the thread's body;
    /// not `Thread.name`: on Linux Foundation's setter names a thread only once `start()` has stored its handle, which
    /// happens after the thread is created, so a thread that ran first (or was named before `start()`) kept its
    /// maker's name.
    package static func setForCurrentThread(_ name: String) {
        let name = fitted(name)
        #if canImport(Darwin)
        _ = pthread_setname_np(name)
        #else
        _ = setName?(pthread_self(), name)
        #endif
    }

    #if !canImport(Darwin)
    // glibc declares pthread_setname_np only under _GNU_SOURCE, which Swift's Glibc module does not define.
    private typealias SetName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
    private static let setName: SetName? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_setname_np")
        .map { unsafeBitCast($0, to: SetName.self) }
    #endif
}
