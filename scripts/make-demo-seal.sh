#!/bin/sh
# Creates DEMO-ONLY e-seal material with the openssl CLI, in OUTPUT_DIR:
#   OUTPUT_DIR/demo-ca.pem          a demo root CA certificate (the trust anchor); its key is discarded at once
#   OUTPUT_DIR/demo-seal-cert.pem   the demo seal certificate followed by the CA (the x5c chain)
#   OUTPUT_DIR/demo-seal.pem        the seal's private key (EC P-256 for ES256, PKCS#8, mode 0600)
# P-256 rather than RSA keeps bulk sealing fast (an RSA-3072 signature costs ~1.8 ms, ES256 ~0.05 ms);
# real e-seals are often RSA, which the sealer handles too (RS256 by default, as the EU does).
# The seal certificate carries what a real eIDAS e-seal certificate carries: C, O, CN and the
# organizationIdentifier attribute (2.5.4.97) "NTRBE-0000000000", key usage digitalSignature +
# nonRepudiation. Nothing here is trusted by anyone: every name says DEMO ONLY.
#
# skillcred itself makes an equivalent demo seal in its data directory at first use (skillcred issue, seal,
# status publish, serve), so this script is needed only for material made independently of skillcred:
# scripts/make-issued-samples.sh uses it for samples/demo-seal, and deletes the key afterwards.
# Never write the key into the repository: no private key is committed.
#
# Usage: scripts/make-demo-seal.sh OUTPUT_DIR
# Re-running replaces the files (new keys, new certificates).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT_DIR" >&2; exit 2; }
OUT=$1
DAYS_CA=3650
DAYS_SEAL=1825
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
umask 077

cat > "$WORK/ca.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
C = BE
O = skillcred DEMO ONLY CA
CN = skillcred DEMO ONLY Root CA - not trusted
[v3_ca]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF

cat > "$WORK/seal.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
C = BE
O = DEMO ONLY Example Academy
organizationIdentifier = NTRBE-0000000000
CN = DEMO ONLY Example Academy e-seal
[v3_seal]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

openssl req -x509 -new -newkey rsa:3072 -nodes -sha256 -days "$DAYS_CA" \
    -config "$WORK/ca.cnf" -keyout "$WORK/ca-key.pem" -out "$WORK/ca.pem" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
    -out "$WORK/seal-key.pem" 2>/dev/null
openssl req -new -key "$WORK/seal-key.pem" -config "$WORK/seal.cnf" -out "$WORK/seal.csr"
openssl x509 -req -in "$WORK/seal.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca-key.pem" -CAcreateserial \
    -sha256 -days "$DAYS_SEAL" -extfile "$WORK/seal.cnf" -extensions v3_seal -out "$WORK/seal.pem" 2>/dev/null

umask 022
cat "$WORK/ca.pem" > "$OUT/demo-ca.pem"
cat "$WORK/seal.pem" "$WORK/ca.pem" > "$OUT/demo-seal-cert.pem"
rm -f "$OUT/demo-seal.pem"
(umask 077; cat "$WORK/seal-key.pem" > "$OUT/demo-seal.pem")
chmod 0600 "$OUT/demo-seal.pem"
# The CA key is thrown away on purpose (with $WORK): nobody can issue more certificates under the demo CA.

openssl x509 -in "$OUT/demo-seal-cert.pem" -noout -subject -issuer -serial -dates -ext keyUsage
echo "wrote $OUT/demo-ca.pem, $OUT/demo-seal-cert.pem, $OUT/demo-seal.pem"
