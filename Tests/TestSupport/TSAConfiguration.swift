/// What every test time-stamping authority run by `openssl ts -reply` shares.
public enum TSAConfiguration {
    /// The `[tsa_config]` settings beside each TSA's own signer, certificates and serial file: SHA-256 signer digest
    /// and ESS certificate id (RFC 5816), policy 1.2.3.4.1, SHA-2 imprints, one-second accuracy, no ordering or name.
    public static let commonSettings = """
        default_policy = 1.2.3.4.1
        digests = sha256, sha384, sha512
        accuracy = secs:1
        ordering = no
        tsa_name = no
        ess_cert_id_chain = no
        ess_cert_id_alg = sha256
        signer_digest = sha256
        """
}
