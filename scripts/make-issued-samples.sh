#!/bin/sh
# Regenerates the committed sample credentials and the public half of their demo e-seal:
#   samples/demo-seal/demo-ca.pem, samples/demo-seal/demo-seal-cert.pem   (certificates only)
#   samples/issued/{edc,vc2}/{micro-credential,certificate-of-participation}/L-0001.json … L-0020.json
# from samples/templates/*.json and samples/recipients.csv.
#
# The private keys exist only in a temporary folder while this runs — a demo seal made by scripts/make-demo-seal.sh
# ("DEMO ONLY Example Academy", its CA key discarded at once) and an Ed25519 issuer key made by
# `skillcred keys generate` — and are deleted at the end, so nobody can sign anything more under the samples' names
# and no private key is ever committed.
#
# Usage: scripts/make-issued-samples.sh
#   SKILLCRED=path/to/skillcred   the binary to issue with (default: `swift build --product skillcred`'s)
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${SKILLCRED:-}" ]; then
    swift build --product skillcred >/dev/null
    SKILLCRED="$(swift build --show-bin-path)/skillcred"
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
umask 077

scripts/make-demo-seal.sh "$WORK/seal" >/dev/null
mkdir -p "$WORK/keys"
cp "$WORK/seal/demo-seal.pem" "$WORK/keys/sample-seal.pem"
"$SKILLCRED" keys generate --type ed25519 --name sample-issuer --dir "$WORK/keys" >/dev/null 2>&1

umask 022
for template in micro-credential certificate-of-participation; do
    for format in edc vc2; do
        out="samples/issued/$format/$template"
        rm -rf "$out"
        if [ "$format" = edc ]; then
            set -- --format edc-jades --key sample-seal --seal-cert "$WORK/seal/demo-seal-cert.pem"
        else
            set -- --format vc2 --key sample-issuer
        fi
        "$SKILLCRED" issue --template "samples/templates/$template.json" --recipients samples/recipients.csv \
            --out "$out" --keys-dir "$WORK/keys" --database "$WORK/registry.sqlite" --data-dir "$WORK/data" "$@" >/dev/null
    done
done
cp "$WORK/seal/demo-ca.pem" "$WORK/seal/demo-seal-cert.pem" samples/demo-seal/
chmod 0644 samples/demo-seal/*.pem
echo "wrote samples/demo-seal/{demo-ca,demo-seal-cert}.pem and samples/issued/{edc,vc2}/*/L-*.json; the keys are deleted"
echo "issuer of samples/issued/vc2: $("$SKILLCRED" keys show sample-issuer --dir "$WORK/keys" | sed -n 's/.*"did" *: *"\(did:key:[^"]*\)".*/\1/p')"
