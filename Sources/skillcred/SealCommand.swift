import ArgumentParser
import CredentialJSON
import Foundation
import JAdES
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension Skillcred {
    /// `skillcred seal`: wraps a credential in a JAdES baseline-B e-seal, as Europass EDCs are sealed, and
    /// optionally adds an RFC 3161 signature time-stamp (baseline-B-T).
    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal",
            abstract:
                "Seal a credential JSON file with a JAdES baseline-B e-seal (JWS JSON, unencoded payload); optionally time-stamp it (B-T) and embed validation data (B-LT, B-LTA).",
            discussion: """
                The credential is parsed, written back as compact JSON, and sealed in the shape of the EU's \
                Europass EDC files. The sealed JWS JSON goes to standard output (or --output). \
                Without --key and --cert the data directory's e-seal is used (--data-dir, default skillcred-data, \
                as skillcred serve's); when it has none, a DEMO e-seal is made there at first use (a demo CA whose \
                key is discarded, a seal certificate and key, mode 0600), announced on standard error and reused \
                afterwards. Verifiers label it DEMO and never trust it by default.

                Baseline-B-T seals carry an RFC 3161 time-stamp over the signature value (a sigTst in the \
                unprotected header's etsiU). Two ways to make one:
                  • Online: --tsa-url https://tsa.example/ posts the time-stamp query to that TSA and embeds \
                the reply (checked: granted, signature, imprint, nonce).
                  • Offline: seal with --tsa-query-out query.tsq, have a TSA answer it (for example \
                openssl ts -reply -queryfile query.tsq -config tsa.cnf -inkey tsa.key -signer tsa.pem -out reply.tsr), \
                then run skillcred seal --tsa-reply reply.tsr --add-to sealed.json -o sealed-bt.json (no key needed).
                Whether the TSA is trusted is decided when verifying, not here.

                Long-term levels (docs/long-term-validation.md): --level b-lt --tsa-url URL --crl ca.crl (or \
                --ocsp-response resp.der, or --fetch-revocation) also embeds the CA and TSA certificates (xVals) and \
                the revocation data (rVals), checked first against the seal certificate's CA; --level b-lta then adds \
                an archive time-stamp (arcTst) over all of it from the same TSA.
                """
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The e-seal's private key, PEM (RSA ≥ 2048 bits or EC P-256/P-384/P-521), with --cert; or a key on a PKCS#11 token, pkcs11:token=…;object=… (docs/pkcs11.md). Default: the data directory's e-seal.",
                valueName: "PEM|URI"))
        var key: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The certificate chain, PEM, seal certificate first (it goes into x5c); with --key (optional for a pkcs11: key whose token holds its certificate).",
                valueName: "PEM"))
        var cert: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Signature algorithm: RS256 (default for RSA keys), RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA.", valueName: "ALG"))
        var alg: String?

        @OptionGroup var pkcs11: PKCS11Options

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The claimed signing time (sigT), UTC like 2026-01-31T12:00:00Z; default now. A fixed time makes the signed bytes repeat (the whole output too with RS algorithms; PS and ES signatures are randomized).",
                valueName: "TIME"))
        var signingTime: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Also write the RFC 3161 time-stamp query (DER TimeStampReq, SHA-256 of the signature value, certReq, random nonce) for the new seal to this file, for any TSA to answer.",
                valueName: "FILE"))
        var tsaQueryOut: String?

        @Option(
            name: .customLong("tsa-url"),
            help: ArgumentHelp(
                "Time-stamp the new seal online: POST the query to this TSA (https; http only for 127.0.0.1, ::1 or localhost) and embed the reply as a sigTst (B-T). 30 s timeout, replies up to 64 KiB, no redirects.",
                valueName: "URL"))
        var tsaURL: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A TSA's reply (DER TimeStampResp, or a bare token) to add to the seal given with --add-to. No key is needed.", valueName: "REPLY"))
        var tsaReply: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "An already sealed JWS JSON document to add the --tsa-reply time-stamp to (its first signature); the result goes to standard output or --output.",
                valueName: "SEALED"))
        var addTo: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("Write the sealed document to this file instead of standard output.", valueName: "FILE"))
        var output: String?

        @Argument(help: ArgumentHelp("The credential JSON file to seal, or - for standard input (not used with --add-to).", valueName: "FILE"))
        var file: String?

        @OptionGroup var data: DataDirectoryOptions

        @OptionGroup var longTerm: SealLevelOptions

        func validate() throws {
            if let addTo {
                guard tsaReply != nil else {
                    throw ValidationError("--add-to \(addTo) needs --tsa-reply REPLY: the time-stamp reply to add")
                }
                var extra: [String] = []
                if key != nil { extra.append("--key") }
                if cert != nil { extra.append("--cert") }
                if alg != nil { extra.append("--alg") }
                if signingTime != nil { extra.append("--signing-time") }
                if tsaQueryOut != nil { extra.append("--tsa-query-out") }
                if tsaURL != nil { extra.append("--tsa-url") }
                if file != nil { extra.append("the credential FILE argument") }
                if data.dataDir != nil { extra.append("--data-dir") }
                if longTerm.level != nil { extra.append("--level") }
                guard extra.isEmpty else {
                    throw ValidationError("--tsa-reply --add-to adds a time-stamp to an existing seal; \(extra.joined(separator: ", ")) cannot be used with it")
                }
                return
            }
            if tsaReply != nil {
                throw ValidationError("--tsa-reply needs --add-to SEALED.json: the sealed document the reply answers (its query came from --tsa-query-out)")
            }
            guard (key == nil) == (cert == nil) || PKCS11Options.isTokenKey(key) else {
                throw ValidationError(
                    "sealing needs both --key PEM and --cert PEM, or neither for the data directory's e-seal (or use --tsa-reply REPLY --add-to SEALED.json to time-stamp an existing seal)"
                )
            }
            if data.dataDir != nil && key != nil {
                throw ValidationError("--data-dir and --key/--cert contradict each other: the data directory's e-seal is used only without --key and --cert")
            }
            guard file != nil else {
                throw ValidationError("missing the credential FILE to seal (or - for standard input)")
            }
            if let tsaURL {
                _ = try Self.checkedTSAURL(tsaURL)
            }
            try longTerm.validate(tsaURL: tsaURL)
        }

        /// The TSA URL, if it is https, or http to a loopback host.
        static func checkedTSAURL(_ text: String) throws(ValidationError) -> URL {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
                throw ValidationError("--tsa-url \(text): not an absolute URL")
            }
            switch scheme {
            case "https":
                return url
            case "http":
                let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
                guard ["127.0.0.1", "::1", "localhost"].contains(bare) else {
                    throw ValidationError("--tsa-url \(text): use https (plain http is allowed only for 127.0.0.1, ::1 or localhost)")
                }
                return url
            default:
                throw ValidationError("--tsa-url \(text): use an https URL")
            }
        }

        func run() async throws {
            if let addTo, let tsaReply {
                try addTimeStamp(reply: tsaReply, to: addTo)
            } else {
                try await seal()
            }
        }

        private func seal() async throws(CLIFailure) {
            guard let file else { throw CLIFailure("sealing needs a credential FILE") }
            let algorithm: JAdESAlgorithm?
            if let alg {
                guard let chosen = JAdESAlgorithm.allCases.first(where: { $0.rawValue.uppercased() == alg.uppercased() }) else {
                    throw CLIFailure("--alg \(alg): not one of \(JAdESAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                algorithm = chosen
            } else {
                algorithm = nil
            }
            var sigT = Date()
            if let signingTime {
                guard let date = XSDDateTime.parse(signingTime, syntax: .rfc3339UTC) else {
                    throw CLIFailure("--signing-time \(signingTime): not a UTC date-time like 2026-01-31T12:00:00Z")
                }
                sigT = date
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
            // The credential is read first, so a missing file makes no demo seal.
            let sealer: JAdESSealer
            if let given = self.key, PKCS11Options.isTokenKey(given) {
                sealer = try pkcs11.sealer(given, chainPEMPath: cert, algorithm: algorithm)
            } else {
                let key: String, cert: String
                if let given = self.key, let chain = self.cert {
                    (key, cert) = (given, chain)
                } else {
                    let seal = try data.seal()
                    (key, cert) = (seal.keyPath, seal.chainURL.path)
                }
                let keyPEM = try readText(key)
                warnIfReadableByOthers(key)
                let certPEM = try readText(cert)
                do {
                    sealer = try JAdESSealer(privateKeyPEM: keyPEM, certificateChainPEM: certPEM, algorithm: algorithm)
                } catch {
                    throw CLIFailure("\(error.code == .invalidKey ? key : cert): \(error.message)")
                }
            }
            var sealed: JSONValue
            do {
                sealed = try sealer.seal(payload: JSONWriter.data(credential), signingTime: sigT)
            } catch {
                throw CLIFailure("\(file): \(error.message)", status: 1)
            }
            if tsaQueryOut != nil || tsaURL != nil {
                let request: (der: [UInt8], nonce: [UInt8])
                do {
                    request = try JAdESTimeStamps.request(forSealed: sealed)
                } catch {
                    throw CLIFailure("time-stamp query: \(error.message)", status: 1)
                }
                if let tsaQueryOut {
                    try writeOutput(request.der, to: tsaQueryOut)
                }
                if let tsaURL {
                    let url: URL
                    do {
                        url = try Self.checkedTSAURL(tsaURL)
                    } catch {
                        throw CLIFailure(error.description)
                    }
                    let reply = try await TSAClient.post(query: request.der, to: url)
                    do {
                        sealed = try JAdESTimeStamps.addSignatureTimeStamp(reply, to: sealed, expectedNonce: request.nonce)
                    } catch {
                        throw CLIFailure("--tsa-url \(tsaURL): \(error.message)", status: 1)
                    }
                    sealed = try await longTerm.extend(sealed, sealer: sealer, tsaURL: url)
                }
            }
            try write(JSONWriter.data(sealed))
        }

        private func addTimeStamp(reply replyPath: String, to sealedPath: String) throws(CLIFailure) {
            let reply = try readInput(replyPath)
            let document: JSONValue
            do {
                document = try JSONParser.parse(try readInput(sealedPath))
            } catch let error as JSONParseError {
                throw CLIFailure("\(sealedPath): \(error)")
            } catch let failure as CLIFailure {
                throw failure
            } catch {
                throw CLIFailure("\(sealedPath): \(error)")
            }
            let stamped: JSONValue
            do {
                stamped = try JAdESTimeStamps.addSignatureTimeStamp(reply, to: document)
            } catch {
                let status: Int32 = error.code == .invalidTimeStamp ? 1 : 2
                throw CLIFailure("\(error.code == .invalidTimeStamp ? replyPath : sealedPath): \(error.message)", status: status)
            }
            try write(JSONWriter.data(stamped))
        }

        private func write(_ sealed: [UInt8]) throws(CLIFailure) {
            if let output {
                try writeOutput(sealed + [0x0A], to: output)
            } else {
                Console.current.writeOutput(sealed + [0x0A])
            }
        }

        private func readText(_ path: String) throws(CLIFailure) -> String {
            let bytes = try readInput(path)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CLIFailure("\(path): not UTF-8 PEM text")
            }
            return text
        }

    }
}

/// Posts an RFC 3161 query to a TSA over HTTP (RFC 3161 §3.4): Content-Type application/timestamp-query,
/// 30 s timeout, at most 64 KiB of reply, redirects refused.
enum TSAClient {
    static let maximumReply = 64 * 1024

    static func post(query: [UInt8], to url: URL) async throws(CLIFailure) -> [UInt8] {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 30)
        request.httpMethod = "POST"
        request.setValue("application/timestamp-query", forHTTPHeaderField: "Content-Type")
        request.setValue("application/timestamp-reply", forHTTPHeaderField: "Accept")
        request.httpBody = Data(query)
        let fetch = TSAFetch()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 30
        configuration.timeoutIntervalForResource = 30
        let session = URLSession(configuration: configuration, delegate: fetch, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let outcome: TSAFetch.Outcome = await withCheckedContinuation { continuation in
            fetch.start(session.dataTask(with: request), continuation)
        }
        switch outcome {
        case .failed(let reason):
            throw CLIFailure("--tsa-url \(url.absoluteString): \(reason)", status: 1)
        case .reply(let status, let contentType, let body):
            guard status == 200 else {
                throw CLIFailure("--tsa-url \(url.absoluteString): the TSA answered HTTP \(status)", status: 1)
            }
            if let contentType, !contentType.lowercased().hasPrefix("application/timestamp-reply") {
                note("skillcred: warning: the TSA's reply has Content-Type \(contentType), not application/timestamp-reply")
            }
            return body
        }
    }
}

/// The URLSession delegate of one TSA request: collects the body up to the limit and refuses redirects.
final class TSAFetch: NSObject, URLSessionDataDelegate, Sendable {
    enum Outcome: Sendable {
        case reply(status: Int, contentType: String?, body: [UInt8])
        case failed(String)
    }

    /// What the delegate callbacks (on URLSession's queue) collect for the one waiting request.
    private struct State {
        var body: [UInt8] = []
        var failure: String?
        var continuation: CheckedContinuation<Outcome, Never>?
    }

    private let state = Mutex(State())

    func start(_ task: URLSessionDataTask, _ continuation: CheckedContinuation<Outcome, Never>) {
        state.withLock { $0.continuation = continuation }
        task.resume()
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        state.withLock { $0.failure = "the TSA redirected (HTTP \(response.statusCode)); redirects are not followed" }
        completionHandler(nil)
        task.cancel()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let tooLarge: Bool = state.withLock { state in
            state.body.append(contentsOf: data)
            if state.body.count > TSAClient.maximumReply {
                state.failure = "the TSA's reply exceeds \(TSAClient.maximumReply / 1024) KiB"
                return true
            }
            return false
        }
        if tooLarge { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let http = task.response as? HTTPURLResponse
        let requested = task.originalRequest?.url
        let (continuation, outcome): (CheckedContinuation<Outcome, Never>?, Outcome) = state.withLock { state in
            let pending = state.continuation
            state.continuation = nil
            if let failure = state.failure { return (pending, .failed(failure)) }
            if let error { return (pending, .failed("the request failed: \(error.localizedDescription)")) }
            guard let http else { return (pending, .failed("no HTTP response")) }
            if let requested, let answered = http.url, requested != answered {
                return (pending, .failed("the TSA answered from another URL (\(answered.absoluteString)); redirects are not followed"))
            }
            return (pending, .reply(status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: state.body))
        }
        continuation?.resume(returning: outcome)
    }
}
