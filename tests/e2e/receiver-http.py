#!/usr/bin/env python3
"""HTTP behaviour of hooksig-receiver on loopback (issue #18): early rejection
from the headers alone, --max-body (413), header limits (431), the
whole-request deadline, keep-alive, /healthz and /metrics, keys that are not
usable (refused at start and on reload), --secret-file and HOOKSIG_SECRET,
forward mode (2xx commits, anything else releases and answers 503, duplicates
are not forwarded), and SIGTERM draining a request in flight.

usage: receiver-http.py PATH/TO/hooksig PATH/TO/hooksig-receiver
"""
import http.server
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from receiver_harness import check, cleanup, failures, read_response, request, start_receiver, work
from receiver_harness import signed as sign_with

CLI, RECEIVER = sys.argv[1], sys.argv[2]


def start(args, env=None):
    """Starts the receiver; returns (process, port, log path) once it listens."""
    return start_receiver(RECEIVER, args, env)


def signed(secret_args, body, msg_id=None):
    """Headers `hooksig sign` makes for `body`, as a list of (name, value)."""
    return sign_with(CLI, secret_args, body, msg_id)


def metric(port, name):
    """The value of one metric line (name with labels) from /metrics."""
    _, _, body, s = request(port, "GET", "/metrics")
    s.close()
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return None


try:
    keys = os.path.join(work, "keys")
    subprocess.run([CLI, "keyring", "new", keys], capture_output=True, check=True)
    ks = ["--keyring", keys]
    p, port, log = start(ks + ["--request-timeout", "1", "--max-headers", "20"])

    # Keep-alive: two deliveries on one connection, the second a duplicate.
    body = b'{"type":"ok"}'
    h = signed(ks, body, "msg_http_1")
    st1, hd1, b1, s = request(port, "POST", "/hook", h, body, keep=True)
    st2, _, b2, s = request(port, "POST", "/hook", h, body, sock=s, keep=True)
    s.close()
    check("keep-alive: accepted then duplicate on one connection",
          (st1, b1, st2, b2) == (200, b"accepted\n", 200, b"duplicate\n"), (st1, b1, st2, b2))

    # Early rejection: a missing signature and an oversized Content-Length are
    # answered from the headers, before any body byte is sent (the size is
    # checked first, while the head is parsed).
    for name, hdrs, length, want in [("unsigned 512 KiB body", [], 512 << 10, 400),
                                     ("unsigned 512 MiB body", [], 512 << 20, 413),
                                     ("signed, Content-Length over --max-body", signed(ks, b"x"), 2 << 20, 413)]:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        head = "POST /hook HTTP/1.1\r\nHost: x\r\n" + "".join(f"{n}: {v}\r\n" for n, v in hdrs)
        s.sendall((head + f"Content-Length: {length}\r\n\r\n").encode())
        t = time.monotonic()
        st, _, _ = read_response(s)
        s.close()
        check(f"{name}: {want} before the body is sent", st == want and time.monotonic() - t < 0.5, st)
    # Stale timestamp: rejected from the headers too.
    stale = [(n, v) for n, v in signed(ks, body) if n != "webhook-timestamp"] + [("webhook-timestamp", "1000000000")]
    st, _, b, _ = request(port, "POST", "/hook", stale, body)
    check("a stale timestamp is a 401", st == 401 and b"too old" in b, (st, b))
    # A chunked body over --max-body: 413 while reading it.
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    head = "POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    head += "".join(f"{n}: {v}\r\n" for n, v in signed(ks, b"x")) + "\r\n"
    s.sendall(head.encode() + (b"8000\r\n" + b"a" * 0x8000 + b"\r\n") * 40)
    st, _, _ = read_response(s)
    s.close()
    check("a chunked body over --max-body is a 413", st == 413, st)

    # Header limits: 431.
    st, _, _, _ = request(port, "GET", "/healthz", [(f"x-h{i}", "v") for i in range(30)])
    check("more than --max-headers fields: 431", st == 431, st)
    st, _, _, _ = request(port, "GET", "/healthz", [("x-big", "v" * 20000)])
    check("a head over --max-header-bytes: 431", st == 431, st)

    # Whole-request deadline: a client sending one header byte every 0.3 s is cut at 1 s.
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    t = time.monotonic()
    cut = False
    try:
        for c in b"POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nx-slow: " + b"a" * 100:
            s.send(bytes([c]))
            time.sleep(0.3)
            if time.monotonic() - t > 4:
                break
    except OSError:
        cut = True
    if not cut:
        try:
            cut = s.recv(1) == b""
        except OSError:
            cut = True
    elapsed = time.monotonic() - t
    s.close()
    check("a slow client is cut at --request-timeout (1 s), not per read", cut and elapsed < 2.5, elapsed)
    check("the cut is counted", (metric(port, 'hooksig_receiver_requests_rejected_total{reason="timeout"}') or 0) >= 1)

    # /healthz and /metrics.
    st, _, b, _ = request(port, "GET", "/healthz")
    check("/healthz is 200 ok", (st, b) == (200, b"ok\n"), (st, b))
    check("/metrics counts accepted and duplicate",
          metric(port, 'hooksig_receiver_deliveries_total{outcome="accepted"}') == 1 and
          metric(port, 'hooksig_receiver_deliveries_total{outcome="duplicate"}') == 1)
    check("/metrics counts invalid deliveries by errc",
          metric(port, 'hooksig_receiver_deliveries_total{outcome="invalid",errc="missing_header"}') == 1 and
          metric(port, 'hooksig_receiver_deliveries_total{outcome="invalid",errc="timestamp_too_old"}') == 1)
    check("/metrics counts 413s", metric(port, 'hooksig_receiver_deliveries_total{outcome="too_large"}') == 3)

    # Keys: a reload to a keyring with no usable key keeps the old keys.
    empty = os.path.join(work, "empty")
    with open(empty, "w") as f:
        f.write("hooksig-keyring 1\n# no keys\n")
    os.chmod(empty, 0o600)
    good = open(keys).read()
    os.replace(empty, keys)
    p.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    with open(keys + ".new", "w") as f:
        f.write(good)
    os.chmod(keys + ".new", 0o600)
    os.replace(keys + ".new", keys)
    text = open(log).read()
    check("a reload to a keyring without keys is refused and logged",
          "keyring reload failed, keeping the previous keys: no key usable by scheme standard" in text, text[-300:])
    st, _, b, _ = request(port, "POST", "/hook", signed(ks, body), body)
    check("the old keys still verify", st == 200, (st, b))
    check("/metrics counts the failed reload", metric(port, "hooksig_receiver_keyring_reload_failures_total") == 1)

    # Hostile input never crashes it: random bytes, broken request lines and
    # chunk sizes, NUL and non-ASCII in headers, signature headers full of junk.
    import random
    rng = random.Random(18)
    blobs = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) for _ in range(150)]
    blobs += [b"POST /hook HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n",
              b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
              b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
              b"POST /hook HTTP/1.1\r\nHost: x\r\nwebhook-id: \x00\xff\r\nwebhook-timestamp: 99999999999999999999\r\n"
              b"webhook-signature: v1,@@@@ v1, v1a,x\r\nContent-Length: 2\r\n\r\n{}",
              b"GET /metrics?x=\xff HTTP/1.1\r\n\r\n", b"\r\n\r\n", b"POST  HTTP/1.1\r\n\r\n"]
    for blob in blobs:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            s.sendall(blob)
            s.shutdown(socket.SHUT_WR)
            s.recv(4096)
            s.close()
        except OSError:
            pass
    st, _, b, _ = request(port, "GET", "/healthz")
    check(f"{len(blobs)} hostile requests later it still answers", p.poll() is None and st == 200, (st, p.poll()))

    # SIGTERM with nothing in flight: exit 0.
    p.send_signal(signal.SIGTERM)
    check("SIGTERM exits 0", p.wait(timeout=10) == 0)

    # Start-up refusals: a keyring without keys; a secret file open to others.
    with open(empty, "w") as f:
        f.write("hooksig-keyring 1\n")
    os.chmod(empty, 0o600)
    r = subprocess.run([RECEIVER, "--listen", "127.0.0.1:0", "--keyring", empty], capture_output=True, timeout=10)
    check("refuses to start with a keyring without keys (exit 2)",
          r.returncode == 2 and b"no key usable" in r.stderr, r.stderr)
    # A keyring whose only key becomes active in the future.
    line = [l for l in good.splitlines() if l and not l.startswith(("#", "hooksig-keyring"))][0].split(" ")
    line[2] = "999999999990"
    with open(empty, "w") as f:
        f.write("hooksig-keyring 1\n" + " ".join(line) + "\n")
    r = subprocess.run([RECEIVER, "--listen", "127.0.0.1:0", "--keyring", empty], capture_output=True, timeout=10)
    check("refuses to start with a keyring whose keys are not active yet (exit 2)",
          r.returncode == 2 and b"none active" in r.stderr, r.stderr)
    secret = subprocess.run([CLI, "secret"], capture_output=True, check=True).stdout.decode().strip()
    sf = os.path.join(work, "secret")
    with open(sf, "w") as f:
        f.write("\n" + secret + "\n")
    os.chmod(sf, 0o644)
    r = subprocess.run([RECEIVER, "--listen", "127.0.0.1:0", "--secret-file", sf], capture_output=True, timeout=10)
    check("refuses a --secret-file readable by others", r.returncode == 2 and b"others" in r.stderr
          and secret.encode() not in r.stderr, r.stderr)
    os.chmod(sf, 0o600)
    p, port, log = start(["--secret-file", sf])
    st, _, b, _ = request(port, "POST", "/hook", signed(["--secret-file", sf], body), body)
    check("--secret-file: a delivery verifies", st == 200, (st, b))
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)
    p, port, log = start([], env=dict(os.environ, HOOKSIG_SECRET=secret))
    st, _, b, _ = request(port, "POST", "/hook", signed(["--secret-file", sf], body), body)
    check("HOOKSIG_SECRET: a delivery verifies", st == 200, (st, b))
    check("no secret in the logs", secret not in open(log).read())
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=10)

    # Forward mode against a small upstream that answers per request.
    seen = []
    plan = {"status": 200, "delay": 0.0}

    class Upstream(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            data = self.rfile.read(int(self.headers["Content-Length"]))
            seen.append((self.path, dict(self.headers), data))
            time.sleep(plan["delay"])
            reply = b"processed\n"
            self.send_response(plan["status"])
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            try:
                self.wfile.write(reply)
            except OSError:
                pass  # the receiver gave up (--forward-timeout)

        def log_message(self, *args):
            pass

    up = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=up.serve_forever, daemon=True).start()
    up_port = up.server_address[1]
    p, port, log = start(ks + ["--forward", f"http://127.0.0.1:{up_port}/app/hook", "--forward-timeout", "0.5"])
    key_id = subprocess.run([CLI, "keyring", "show", keys], capture_output=True).stdout.decode().splitlines()[1].split()[0]
    h = signed(ks, body, "msg_fwd_1")
    st, _, b, _ = request(port, "POST", "/hook", h + [("hooksig-key-id", "spoofed")], body)
    check("forward: the upstream's 2xx and body are answered", (st, b) == (200, b"processed\n"), (st, b))
    path, hdrs, data = seen[-1] if seen else ("", {}, b"")
    check("forward: path, body, signature headers and hooksig-key-id reach the upstream",
          path == "/app/hook" and data == body and hdrs.get("webhook-id") == "msg_fwd_1" and
          hdrs.get("hooksig-key-id") == key_id and "webhook-signature" in hdrs, (path, hdrs))
    st, _, b, _ = request(port, "POST", "/hook", h, body)
    check("forward: a duplicate is answered 200 without forwarding", (st, b, len(seen)) == (200, b"duplicate\n", 1),
          (st, b, len(seen)))
    plan["status"] = 500
    h2 = signed(ks, body, "msg_fwd_2")
    st, _, b, _ = request(port, "POST", "/hook", h2, body)
    check("forward: an upstream 500 is answered 503", st == 503, (st, b))
    plan["status"] = 200
    st, _, b, _ = request(port, "POST", "/hook", signed(ks, body, "msg_fwd_2"), body)
    check("forward: the retry after a 500 is forwarded again (id released)", st == 200 and len(seen) == 3,
          (st, b, len(seen)))
    plan["delay"] = 1.0
    st, _, b, _ = request(port, "POST", "/hook", signed(ks, body, "msg_fwd_3"), body)
    plan["delay"] = 0.0
    check("forward: an upstream slower than --forward-timeout is a 503", st == 503, (st, b))
    time.sleep(1.0)
    st, _, b, _ = request(port, "POST", "/hook", signed(ks, body, "msg_fwd_3"), body)
    check("forward: ... and its retry is forwarded", st == 200, (st, b))
    check("/metrics counts forwarded and upstream_failed",
          metric(port, 'hooksig_receiver_deliveries_total{outcome="forwarded"}') == 3 and
          metric(port, 'hooksig_receiver_deliveries_total{outcome="upstream_failed"}') == 2)

    # SIGTERM drains: a request in flight (upstream takes 0.3 s) is answered, then exit 0.
    plan["delay"] = 0.3
    result = {}

    def slow():
        result["r"] = request(port, "POST", "/hook", signed(ks, body, "msg_drain"), body)[:3]

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    t.join()
    rc = p.wait(timeout=10)
    check("SIGTERM drains: the request in flight gets its 200, then exit 0",
          result.get("r", (0,))[0] == 200 and rc == 0, (result, rc))
    up.shutdown()
finally:
    cleanup()
sys.exit(1 if failures() else 0)
