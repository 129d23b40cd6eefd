import Executors
import Foundation
import Synchronization
import Testing

/// The name of the thread the calling code runs on (`Thread.current` is for synchronous code; this function is): the
/// test executor's threads are the only ones named "executor-test-N".
private func whereItRuns() -> String {
    Thread.current.name ?? "?"
}

@Suite("DedicatedThreadsExecutor: work preferring it runs on its threads, child tasks included")
struct DedicatedThreadsExecutorTests {
    static let executor = DedicatedThreadsExecutor(threads: 2, name: "executor-test")

    @Test("Child tasks, and a task once it has been suspended, run on the executor's threads")
    func jobsRunOnItsThreads() async {
        let names = await withTaskExecutorPreference(Self.executor) {
            // Until its first suspension the closure may run where it was called (the runtime hops at a suspension).
            await Task.yield()
            return await withTaskGroup(of: [String].self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        let before = whereItRuns()
                        try? await Task.sleep(for: .milliseconds(1))
                        return [before, whereItRuns()]
                    }
                }
                var all: [String] = [whereItRuns()]
                for await pair in group { all += pair }
                return all
            }
        }
        #expect(names.count == 129)
        #expect(names.allSatisfy { $0 == "executor-test-0" || $0 == "executor-test-1" }, "\(Set(names))")
    }

    /// Two flags shared by a blocked job and its parent.
    final class Flags: Sendable {
        let started = Atomic(false)
        let release = Atomic(false)
    }

    @Test("A thread blocked by one job does not stop the others from running")
    func aBlockedThreadDoesNotStopTheOthers() async {
        let flags = Flags()
        let released = await withTaskExecutorPreference(Self.executor) {
            async let blocker: Bool = {
                // Holds one of the two threads until the parent, resumed on the other, lets it go (or 5 s pass:
                // with a single thread the parent could not resume, and this returns false).
                flags.started.store(true, ordering: .sequentiallyConsistent)
                let deadline = Date().addingTimeInterval(5)
                while !flags.release.load(ordering: .sequentiallyConsistent), Date() < deadline { usleep(1_000) }
                return flags.release.load(ordering: .sequentiallyConsistent)
            }()
            while !flags.started.load(ordering: .sequentiallyConsistent) { try? await Task.sleep(for: .milliseconds(1)) }
            flags.release.store(true, ordering: .sequentiallyConsistent)
            return await blocker
        }
        #expect(released)
    }

    @Test("Its threads carry its name, cut to the 15 bytes Linux keeps, with their number")
    func threadsAreNamed() async throws {
        // Several executors, each thread named as soon as it starts: naming through Foundation raced with `start()`
        // and lost now and then (a thread kept its maker's name), which one executor rarely showed.
        for number in 0..<8 {
            let executor = DedicatedThreadsExecutor(threads: 1, name: "a-name-longer-than-linux-keeps-\(number)")
            let comm = await withTaskExecutorPreference(executor) { () async -> String? in
                await Task.yield()  // until its first suspension, the closure may run where it was called
                return threadNameAsTheSystemHasIt()
            }
            // Where /proc is (Linux): what profilers and debuggers show.
            if let comm { #expect(comm == "a-name-longer-0", "executor \(number)") }
        }
    }
}

@Suite("ThreadName: a thread names itself as the kernel keeps names")
struct ThreadNameTests {
    @Test("A name is cut to 15 bytes, never inside a character, and a thread's own name is what /proc shows")
    func aThreadNamesItself() async {
        #expect(ThreadName.fitted("skillcred-verify", suffix: "-0") == "skillcred-ver-0")
        #expect(ThreadName.fitted("short") == "short")
        // "é" is two bytes, the 15th and 16th here: cutting must drop it whole, not keep half of it.
        #expect(ThreadName.fitted("skillcred-dnsxé") == "skillcred-dnsx")
        #expect(ThreadName.fitted("éééééééé") == "ééééééé")
        let comm = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let thread = Thread {
                ThreadName.setForCurrentThread("skillcred-dns-resolver")
                continuation.resume(returning: threadNameAsTheSystemHasIt())
            }
            thread.start()
        }
        if let comm { #expect(comm == "skillcred-dns-r") }
    }
}

/// The calling thread's name as the kernel has it, when /proc says.
private func threadNameAsTheSystemHasIt() -> String? {
    (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
}
