import Executors
import Foundation

/// Dedicated threads for the CPU-bound part of a request (verification), as a task executor.
///
/// Hummingbird reads request bodies on Swift's cooperative pool, one chunk per task hop. When verifications
/// also run there, each chunk of a large body waits behind whole verifications, so a 150 KiB upload took up to
/// 1.5 s at 32 connections while the median was 0.13 s. Verifying on these threads leaves the cooperative pool
/// free for I/O; the operating system shares the cores between both.
enum VerificationExecutor {
    /// One per process, one thread per processor (the threads live as long as the process).
    static let shared = DedicatedThreadsExecutor(threads: ProcessInfo.processInfo.activeProcessorCount, name: "skillcred-verify")
}
