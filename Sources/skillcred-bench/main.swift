// Benchmarks run in release: `swift run -c release skillcred-bench`.
do {
    try CanonicalizationBench.run()
} catch {
    print("benchmark failed: \(error)")
}
