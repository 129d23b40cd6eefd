import CredentialJSON
import Foundation
import TestSupport

func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}

/// Parses a shared vector file as JSON, or returns nil (skipping) when the shared data is absent.
func sharedJSON(_ relativePath: String) throws -> JSONValue? {
    guard let url = SharedData.vector(relativePath) else { return nil }
    return try JSONParser.parse(Array(try SharedData.data(url)))
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("skillcred-keys-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The openssl CLI, when installed.
let opensslPath: String? = {
    for candidate in ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    return nil
}()

struct ProcessResult {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
}

/// Runs openssl with arguments, feeding `input` on stdin.
func openssl(_ arguments: [String], input: [UInt8] = []) throws -> ProcessResult {
    let ended = try ChildProcess.run(URL(fileURLWithPath: opensslPath!), arguments, input: .bytes(input))
    return ProcessResult(status: ended.status, stdout: ended.stdout, stderr: ended.stderrText)
}
