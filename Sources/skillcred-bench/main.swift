// Benchmarks run in release: `swift run -c release skillcred-bench`.
print("no benchmarks yet")
