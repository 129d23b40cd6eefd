import Executors

/// Threads of their own for the awaits of a test that carry a deadline (loopback fetches).
///
/// Swift Testing starts every test at once on the cooperative pool (two threads on a 2-core machine), and many tests
/// hold a thread for seconds of synchronous work (conformance loops, openssl runs); a continuation queues behind all
/// of it. With two CPU hogs beside the suite, loopback OCSP and CRL fetches in `SealRevocationFetchTests` missed their
/// 120 s deadline that way in one run of three, the servers having answered at once. Work started under
/// `withTaskExecutorPreference(OwnThreadsExecutor.shared)` (its child tasks included) runs on these threads instead.
public enum OwnThreadsExecutor {
    /// Shared by the tests; its threads live as long as the test process.
    public static let shared = DedicatedThreadsExecutor(threads: 4, name: "test-own-threads")
}
