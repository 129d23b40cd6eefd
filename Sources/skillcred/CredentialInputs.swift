import ArgumentParser
import Foundation

/// The credentials a reading command takes: files, directories (their `.json`, `.jsonld` and `.jwt` files, in name
/// order) and `-` for standard input, with a bound on how many files one run may expand to. `verify` and `validate`
/// share it, so both read the same inputs the same way.
struct CredentialInputs: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Refuse to start when the inputs, directories expanded, are more files than this.", valueName: "N"))
    var maxFiles: Int = 100_000

    @Argument(help: ArgumentHelp("Credential files, directories, or - for standard input.", valueName: "FILE|DIR|-"))
    var inputs: [String]

    func validate() throws {
        guard maxFiles >= 1 else { throw ValidationError("--max-files must be at least 1") }
    }

    /// The inputs with every directory replaced by its credential files. With `checkReadable`, a file that cannot be
    /// read stops the run before any work; without, it is left for the command to report among the others.
    func files(checkReadable: Bool = true) throws(CLIFailure) -> [String] {
        var out: [String] = []
        for input in inputs {
            var isDir: ObjCBool = false
            if input != "-", FileManager.default.fileExists(atPath: input, isDirectory: &isDir), isDir.boolValue {
                let names: [String]
                do { names = try FileManager.default.contentsOfDirectory(atPath: input) } catch {
                    throw CLIFailure("\(input): cannot list directory")
                }
                let picked = names.filter { ["json", "jsonld", "jwt"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
                if picked.isEmpty { throw CLIFailure("\(input): no .json, .jsonld or .jwt files in this directory") }
                if out.count + picked.count > maxFiles {
                    throw CLIFailure(
                        "\(input): \(picked.count) files\(out.isEmpty ? "" : " after \(out.count) others"), more than the limit of \(maxFiles) files per run (--max-files); take the folder in parts or raise --max-files"
                    )
                }
                out += picked.map { (input as NSString).appendingPathComponent($0) }
            } else {
                if checkReadable && input != "-" && !isDir.boolValue && !FileManager.default.isReadableFile(atPath: input) {
                    throw CLIFailure("\(input): cannot read file")
                }
                if out.count + 1 > maxFiles {
                    throw CLIFailure("\(inputs.count) inputs name more than the limit of \(maxFiles) files per run (--max-files)")
                }
                out.append(input)
            }
        }
        return out
    }
}
