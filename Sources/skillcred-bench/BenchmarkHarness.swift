import CredentialIssuance
import Foundation

/// Times a closure repeatedly and reports the median, which shrugs off the odd slow run on a shared machine.
struct Benchmark {
    let name: String
    let iterations: Int
    let warmup: Int

    init(_ name: String, iterations: Int = 200, warmup: Int = 10) {
        self.name = name
        self.iterations = iterations
        self.warmup = warmup
    }

    /// Runs `body` `warmup + iterations` times and prints the median and 90th percentile.
    @discardableResult
    func run(_ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var samples: [Double] = []
        samples.reserveCapacity(iterations)
        let clock = ContinuousClock()
        for _ in 0..<iterations {
            let elapsed = try clock.measure { try body() }
            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        samples.sort()
        let median = samples[samples.count / 2]
        let p90 = samples[min(samples.count - 1, samples.count * 9 / 10)]
        let label = name.padding(toLength: max(60, name.count), withPad: " ", startingAt: 0)
        print(label + String(format: " median %10.2f µs   p90 %10.2f µs   (n=%d)", median, p90, iterations))
        return median
    }
}

/// The repository root, so benchmarks find `samples/` from any working directory.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
}()

/// A sample file's bytes, or exit with a message naming it.
func sampleBytes(_ relativePath: String) -> [UInt8] {
    let url = repositoryRoot.appendingPathComponent(relativePath)
    guard let data = FileManager.default.contents(atPath: url.path) else {
        FileHandle.standardError.write(Data("skillcred-bench: cannot read \(url.path)\n".utf8))
        exit(2)
    }
    return Array(data)
}

/// `samples/templates/micro-credential.json` and the valid rows of `samples/recipients.csv`, what the issuing
/// benchmarks issue from.
func sampleTemplateAndRows() throws -> (template: CredentialTemplate, rows: [RecipientRow]) {
    let template = try CredentialTemplate.load(path: repositoryRoot.appendingPathComponent("samples/templates/micro-credential.json").path)
    let rows = try Recipients.validate(csv: sampleBytes("samples/recipients.csv"), name: "recipients.csv", template: template).validRows
    return (template, rows)
}
