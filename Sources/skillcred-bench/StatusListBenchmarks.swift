import StatusList

/// Reading a status bit must cost nothing beside a signature check (~100 µs).
func runStatusListBenchmarks() throws {
    var bits = Bitstring()
    for index in stride(from: 7, to: 131_072, by: 97) { try bits.setBit(at: index, to: true) }
    let encoded = try bits.encoded()
    let entry = StatusListEntry(
        statusPurpose: "revocation", statusListIndex: 94_567,
        statusListCredential: "https://issuer.example/status/1")
    let checker = StatusListChecker()
    var sink: UInt64 = 0
    Benchmark("status list: read one bit from a decoded (cached) list", iterations: 100_000).run {
        sink &+= (try? checker.status(of: entry, in: bits).status) ?? 0
    }
    Benchmark("status list: decode a 131,072-bit encodedList", iterations: 500).run {
        sink &+= UInt64((try? Bitstring(encoded: encoded))?.bytes.count ?? 0)
    }
    Benchmark("status list: encode a 131,072-bit list", iterations: 200).run {
        sink &+= UInt64((try? bits.encoded())?.count ?? 0)
    }
    if sink == 42 { print("") }  // keeps the optimizer from removing the work
}
