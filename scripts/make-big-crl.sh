#!/usr/bin/env bash
# Makes a large CRL to measure what revocation data costs the verifier (docs/long-term-validation.md).
#
# Usage: scripts/make-big-crl.sh DIR [ENTRIES]   (default 650000 entries, about 15 MB)
#
# In DIR: ca.pem/ca.key (an openssl test CA, EC P-256, with cRLSign), seal.pem/seal.key (a seal certificate it
# issued, itself NOT revoked), big.der (the CA's CRL listing ENTRIES other serials, every fourth with a reason),
# forged.der (the same entries under the same issuer name, signed by another key), and revoked.der (the same CRL
# with the seal certificate's serial as its last entry). Needs openssl and python3.
set -euo pipefail
dir=${1:?usage: make-big-crl.sh DIR [ENTRIES]}
entries=${2:-650000}
mkdir -p "$dir"
cd "$dir"
cat > ca.cnf <<'CNF'
[ req ]
distinguished_name = dn
[ dn ]
[ ca ]
default_ca = ca_default
[ ca_default ]
database = ./index.txt
new_certs_dir = .
serial = ./serial
crlnumber = ./crlnumber
default_md = sha256
default_crl_days = 30
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
organizationIdentifier = optional
countryName = optional
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
[ seal_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
for who in ca impostor; do
  openssl ecparam -name prime256v1 -genkey -noout -out "$who.key"
  openssl req -x509 -new -key "$who.key" -out "$who.pem" -subj "/CN=Big CRL Test CA" -config ca.cnf -extensions ca_ext -days 3650
done
: > index.txt
echo 01 > crlnumber
echo 7F000001 > serial
openssl ecparam -name prime256v1 -genkey -noout -out seal.key
openssl req -new -key seal.key -out seal.csr -subj "/CN=Big CRL Test e-seal/O=Big CRL Test Academy/organizationIdentifier=NTRBE-0123456789/C=BE" -config ca.cnf
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in seal.csr -out seal.pem -days 365 -extensions seal_ext -notext 2>/dev/null
seal_line=$(cat index.txt)
# ENTRIES revoked certificates with serials 1000000.. (hex), revoked a day ago; every fourth gives a reason.
python3 - "$entries" <<'PY'
import sys, datetime
count = int(sys.argv[1])
now = datetime.datetime.now(datetime.timezone.utc)
expiry = (now + datetime.timedelta(days=365)).strftime("%y%m%d%H%M%SZ")
revoked = (now - datetime.timedelta(days=1)).strftime("%y%m%d%H%M%SZ")
with open("index.txt", "w") as index:
    for number in range(count):
        reason = ",keyCompromise" if number % 4 == 0 else ""
        index.write(f"R\t{expiry}\t{revoked}{reason}\t{0x1000000 + number:08X}\tunknown\t/CN=revoked {number}\n")
PY
gen() { openssl ca -config ca.cnf -gencrl -cert "$1.pem" -keyfile "$1.key" -out "$2.pem" 2>/dev/null && openssl crl -in "$2.pem" -outform DER -out "$2.der"; }
gen ca big
gen impostor forged
# The seal certificate revoked too, for the lookup that finds it.
printf '%s\n' "$seal_line" | awk -F'\t' -v OFS='\t' -v rev="$(date -u -d '-1 hour' +%y%m%d%H%M%SZ)" '{ $1 = "R"; $3 = rev ",keyCompromise"; print }' >> index.txt
gen ca revoked
ls -l big.der forged.der revoked.der
