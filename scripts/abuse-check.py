#!/usr/bin/env python3
"""Probes a running `skillcred serve` (loopback only) the way one hostile client would, and prints each probe with
its figure: status, answer size, time, and /healthz latency measured while the probe runs. Used by
scripts/abuse-check.sh, which builds the release server, starts it and samples its memory."""
import json
import os
import socket
import sys
import threading
import time
import urllib.error
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8099"
HOST, PORT = "127.0.0.1", int(BASE.rsplit(":", 1)[1])
IDLE_TIMEOUT = float(os.environ.get("IDLE_TIMEOUT", "30"))
results = []


def request(path, body=None, headers=None, method="POST", timeout=120):
    req = urllib.request.Request(BASE + path, data=body, headers=headers or {}, method=method)
    start = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read()
            return r.status, data, time.monotonic() - start
    except urllib.error.HTTPError as e:
        data = e.read()
        return e.code, data, time.monotonic() - start


class HealthWatch:
    """Polls /healthz every 50 ms while a probe runs and keeps the worst latency."""

    def __init__(self):
        self.worst = 0.0
        self.failures = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop:
            start = time.monotonic()
            try:
                with urllib.request.urlopen(BASE + "/healthz", timeout=5) as r:
                    r.read()
            except Exception:
                self.failures += 1
            self.worst = max(self.worst, time.monotonic() - start)
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()


def probe(name, fn, expect):
    with HealthWatch() as health:
        status, size, seconds, note = fn()
    ok = expect(status) and health.worst < 0.1 and health.failures == 0
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  {name}: HTTP {status}, {size} bytes, {seconds * 1000:.0f} ms; "
          f"/healthz worst {health.worst * 1000:.0f} ms, {health.failures} failed{'; ' + note if note else ''}", flush=True)


def code_of(data):
    try:
        return json.loads(data).get("code", "")
    except Exception:
        return ""


def huge_array():
    body = ("[" + ",".join(["0"] * 200_000) + "]").encode()
    status, data, t = request("/", body, {"Content-Type": "application/json"})
    return status, len(data), t, code_of(data)


def big_presentation():
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
          "issuer": "did:example:x", "credentialSubject": {"id": "did:example:y"}}
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "verifiableCredential": [vc] * 5000}
    status, data, t = request("/presentations/verify", json.dumps({"verifiablePresentation": vp}).encode(),
                              {"Content-Type": "application/json"})
    return status, len(data), t, code_of(data)


def long_boundary():
    boundary = "b" * 16_000
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n" + "b" * (3 * 1024 * 1024)
            + f"\r\n--{boundary}--\r\n").encode()
    status, data, t = request("/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return status, len(data), t, code_of(data)


def near_boundaries():
    boundary = "boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n"
            + "\r\n--boundar" * 300_000 + f"\r\n--{boundary}--\r\n").encode()
    status, data, t = request("/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return status, len(data), t, f"{len(body)} byte body"


def wide_object():
    # 300,000 members in one object, just under the 10 MB body limit: quadratic key handling (fixed 2026-12-06)
    # made 16,000 members cost 75 s in a debug build.
    subject = {f"http://example.org/p{i}": "v" for i in range(300_000)}
    vc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
          "issuer": "did:example:x", "credentialSubject": subject}
    body = json.dumps({"verifiableCredential": vc}, separators=(",", ":")).encode()
    status, data, t = request("/credentials/verify", body, {"Content-Type": "application/json"})
    return status, len(data), t, f"{len(body)} byte body; {code_of(data)}"


def many_zeros():
    # 4.5 million values in one credential: 1.7 GB and 14 s before the parser and expansion counted values (2026-12-06).
    body = ('{"verifiableCredential":{"@context":["https://www.w3.org/ns/credentials/v2"],'
            '"type":["VerifiableCredential"],"issuer":"did:example:x","credentialSubject":{"http://example.org/p":['
            + ",".join(["0"] * 4_500_000) + "]}}}").encode()
    status, data, t = request("/credentials/verify", body, {"Content-Type": "application/json"})
    return status, len(data), t, f"{len(body)} byte body; {code_of(data)}"


def jwt_string():
    body = json.dumps({"verifiableCredential": "eyJhbGciOiJFUzI1NiIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTp4In0.c2ln"}).encode()
    status, data, t = request("/credentials/verify", body, {"Content-Type": "application/json"})
    kind = json.loads(data).get("kind", "")
    return status, len(data), t, f"kind {kind!r}, mentions JSON null: {b'JSON null' in data}"


def half_request():
    s = socket.create_connection((HOST, PORT))
    s.sendall(b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Ty")
    start = time.monotonic()
    s.settimeout(IDLE_TIMEOUT + 10)
    try:
        closed = s.recv(1) == b""
    except (socket.timeout, ConnectionResetError):
        closed = True
    elapsed = time.monotonic() - start
    s.close()
    return (0 if closed and elapsed < IDLE_TIMEOUT + 2 else 1), 0, elapsed, f"closed after {elapsed:.1f} s (idle timeout {IDLE_TIMEOUT:.0f} s)"


def many_connections():
    sockets = []
    for _ in range(1100):
        try:
            sockets.append(socket.create_connection((HOST, PORT), timeout=2))
        except OSError:
            break
    time.sleep(0.5)
    start = time.monotonic()
    status, data, _ = request("/healthz", method="GET", timeout=5)
    t = time.monotonic() - start
    for s in sockets:
        s.close()
    return status, len(data), t, f"{len(sockets)} connections opened; /healthz answered in {t * 1000:.0f} ms meanwhile"


def slow_body():
    s = socket.create_connection((HOST, PORT))
    s.sendall(b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
    start = time.monotonic()
    s.settimeout(120)
    data = b""
    try:
        while time.monotonic() - start < 90:
            s.sendall(b" ")
            s.settimeout(2)
            try:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
                if b"\r\n\r\n" in data:
                    break
            except socket.timeout:
                pass
    except (BrokenPipeError, ConnectionResetError):
        pass
    elapsed = time.monotonic() - start
    s.close()
    status = int(data.split(b" ")[1]) if data.startswith(b"HTTP/1.1") else 0
    return status, len(data), elapsed, f"closed after {elapsed:.1f} s of a byte every 2 s"


probe("POST / with a JSON array of 200,000 zeros", huge_array, lambda s: s == 413)
probe("POST /presentations/verify with 5,000 credentials", big_presentation, lambda s: s == 413)
probe("multipart with a 16,000-byte boundary, 3 MiB", long_boundary, lambda s: s == 400)
probe("multipart with 300,000 near-boundaries (3 MB)", near_boundaries, lambda s: s in (200, 400))
probe("VC API string form (compact JWT)", jwt_string, lambda s: s in (200, 422))
probe("POST /credentials/verify with 300,000 members in one object (10 MB)", wide_object, lambda s: s == 413)
probe("POST /credentials/verify with 4,500,000 values in one credential (9 MB)", many_zeros, lambda s: s == 413)
probe("half a request, then silence", half_request, lambda s: s == 0)
probe("1,100 idle connections", many_connections, lambda s: s == 200)
probe("a body sent one byte every 2 s", slow_body, lambda s: s == 408 or s == 0)
print(f"abuse-check: {sum(results)} passed, {len(results) - sum(results)} failed")
sys.exit(0 if all(results) else 1)
