import ArgumentParser
import CredentialJSON
import Foundation
import JAdES

extension Skillcred {
    /// `skillcred seal`: wraps a credential in a JAdES baseline-B e-seal, as Europass EDCs are sealed.
    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal",
            abstract: "Seal a credential JSON file with a JAdES baseline-B e-seal (JWS JSON, unencoded payload).",
            discussion: """
                The credential is parsed, written back as compact JSON, and sealed in the shape of the EU's \
                Europass EDC files. The sealed JWS JSON goes to standard output (or --output). \
                Demo material: --key keys/demo-seal.pem --cert samples/demo-seal/demo-seal-cert.pem.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The e-seal's private key, PEM (RSA ≥ 2048 bits or EC P-256/P-384/P-521).", valueName: "PEM"))
        var key: String

        @Option(name: .long, help: ArgumentHelp("The certificate chain, PEM, seal certificate first (it goes into x5c).", valueName: "PEM"))
        var cert: String

        @Option(name: .long, help: ArgumentHelp("Signature algorithm: RS256 (default for RSA keys), RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512.", valueName: "ALG"))
        var alg: String?

        @Option(name: .long, help: ArgumentHelp("The claimed signing time (sigT), UTC like 2026-01-31T12:00:00Z; default now. A fixed time makes the signed bytes repeat (the whole output too with RS algorithms; PS and ES signatures are randomized).", valueName: "TIME"))
        var signingTime: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the sealed document to this file instead of standard output.", valueName: "FILE"))
        var output: String?

        @Argument(help: ArgumentHelp("The credential JSON file to seal, or - for standard input.", valueName: "FILE"))
        var file: String

        func run() async throws {
            do {
                try seal()
            } catch {
                error.exit()
            }
        }

        private func seal() throws(CLIFailure) {
            let algorithm: JAdESAlgorithm?
            if let alg {
                guard let a = JAdESAlgorithm(rawValue: alg.uppercased()) else {
                    throw CLIFailure("--alg \(alg): not one of \(JAdESAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                algorithm = a
            } else {
                algorithm = nil
            }
            var sigT = Date()
            if let signingTime {
                guard let date = JAdESVerifier.parseSigningTime(signingTime) else {
                    throw CLIFailure("--signing-time \(signingTime): not a UTC date-time like 2026-01-31T12:00:00Z")
                }
                sigT = date
            }
            let keyPEM = try readText(key)
            warnIfReadableByOthers(key)
            let certPEM = try readText(cert)
            let sealer: JAdESSealer
            do {
                sealer = try JAdESSealer(privateKeyPEM: keyPEM, certificateChainPEM: certPEM, algorithm: algorithm)
            } catch {
                throw CLIFailure("\(error.code == .invalidKey ? key : cert): \(error.message)")
            }
            let credential: JSONValue
            do {
                credential = try JSONParser.parse(try readInput(file))
            } catch let error as JSONParseError {
                throw CLIFailure("\(file): \(error)")
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure("\(file): \(error)")
            }
            let sealed: [UInt8]
            do {
                sealed = try sealer.sealedData(payload: JSONWriter.data(credential), signingTime: sigT)
            } catch {
                throw CLIFailure("\(file): \(error.message)", status: 1)
            }
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(sealed + [0x0A])) else {
                    throw CLIFailure("\(output): cannot write file")
                }
            } else {
                FileHandle.standardOutput.write(Data(sealed + [0x0A]))
            }
        }

        private func readText(_ path: String) throws(CLIFailure) -> String {
            let bytes = try readInput(path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CLIFailure("\(path): not UTF-8 PEM text")
            }
            return text
        }

        /// A seal key readable by other users is a leak waiting to happen; say so, but do not refuse
        /// (a fresh git clone gives the demo key mode 0644).
        private func warnIfReadableByOthers(_ path: String) {
            guard path != "-", let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 else { return }
            FileHandle.standardError.write(Data("skillcred: warning: \(path) is readable by other users (mode \(String(mode, radix: 8))); run chmod 600 \(path)\n".utf8))
        }
    }
}
