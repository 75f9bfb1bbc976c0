#!/usr/bin/env python3
"""hooksig-receiver killed mid-forward does not lose the delivery (issue #18).

In forward mode the receiver only reserves a delivery's id (for
--forward-timeout + 5 s) until the upstream's 2xx commits it for --ttl. Here a
receiver on a private redis-server forwards to an upstream that never answers
and is killed with SIGKILL mid-forward; a receiver restarted on the same Redis
answers the provider's retry `duplicate` while the reservation lasts (no two
copies upstream at once) and forwards it once the reservation ran out. The
committed id survives another SIGKILL and restart as a duplicate. An upstream
timeout releases the id at once; a commit Redis refuses still answers the
upstream's 2xx and is logged and counted.

usage: receiver-forward-crash.py PATH/TO/hooksig PATH/TO/hooksig-receiver PATH/TO/redis-server
"""
import os
import signal
import socket
import subprocess
import sys
import threading
import time

from receiver_harness import check, cleanup, failures, procs, read_message, request, work
from receiver_harness import signed as sign_with
from receiver_harness import start_receiver as start_any_receiver

CLI, RECEIVER, REDIS = sys.argv[1], sys.argv[2], sys.argv[3]
FORWARD_TIMEOUT = 1  # seconds: the reservation is this + 5 s
RESERVATION = FORWARD_TIMEOUT + 5


def redis_cmd(port, *args):
    """One RESP command on a fresh connection; returns the first reply line."""
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(("*%d\r\n" % len(args) + "".join("$%d\r\n%s\r\n" % (len(a), a) for a in args)).encode())
    reply = s.recv(4096).decode().split("\r\n")[0]
    s.close()
    return reply


def start_redis():
    """Starts redis-server on a free loopback port; returns (process, port)."""
    for _ in range(10):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        log = os.path.join(work, "redis.log")
        p = subprocess.Popen([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                              "--dir", work, "--daemonize", "no"], stdout=open(log, "w"), stderr=subprocess.STDOUT)
        procs.append(p)
        for _ in range(50):
            if "Ready to accept connections" in open(log).read():
                try:
                    if redis_cmd(port, "PING") == "+PONG":
                        return p, port
                except OSError:
                    pass
            if p.poll() is not None:
                break
            time.sleep(0.1)
        p.kill()
        p.wait()
    raise SystemExit("redis-server did not start")


def start_receiver(args):
    """Starts the receiver; returns (process, port) once it listens."""
    return start_any_receiver(RECEIVER, args)[:2]


def signed(keys, body, msg_id):
    """Headers `hooksig sign` makes for `body` (fresh timestamp), as (name, value) pairs."""
    return sign_with(CLI, ["--keyring", keys], body, msg_id)


def post(port, headers, body, timeout=10):
    """POSTs one delivery; returns (status, body), (0, b"") when the connection died unanswered."""
    try:
        status, _, answer, s = request(port, "POST", "/hook", headers, body, timeout=timeout)
    except OSError:
        return 0, b""
    s.close()
    return status, answer


def post_until_forwarded(up, port, keys, body, msg_id):
    """POSTs a signed delivery from a thread and waits (up to 2 s) until `up` saw it.
    Returns (thread, result): result["r"] is post()'s answer once the thread ends."""
    result = {}
    sender = threading.Thread(target=lambda: result.update(r=post(port, signed(keys, body, msg_id), body)))
    sender.start()
    for _ in range(100):
        if up.count(msg_id):
            break
        time.sleep(0.02)
    return sender, result


class Upstream:
    """An upstream that reads each request and answers 200 after `delay`
    seconds, or, while `hang` is set, never answers. Counts the requests per
    webhook-id."""

    def __init__(self):
        self.hang = True
        self.delay = 0.0
        self.seen = {}
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        buf = b""
        try:
            while True:
                message = read_message(conn, buf)
                if message is None:
                    return
                _, fields, _, buf = message
                with self.lock:
                    msg = fields.get("webhook-id", "")
                    self.seen[msg] = self.seen.get(msg, 0) + 1
                    hang = self.hang
                if hang:
                    while conn.recv(65536):
                        pass
                    return
                time.sleep(self.delay)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nprocessed\n")
        except OSError:
            pass
        finally:
            conn.close()

    def count(self, msg):
        with self.lock:
            return self.seen.get(msg, 0)


try:
    keys = os.path.join(work, "keys")
    subprocess.run([CLI, "keyring", "new", keys], capture_output=True, check=True)
    redis, redis_port = start_redis()
    up = Upstream()
    args = ["--keyring", keys, "--redis", f"127.0.0.1:{redis_port}",
            "--forward", f"http://127.0.0.1:{up.port}/hook", "--forward-timeout", str(FORWARD_TIMEOUT)]
    body = b'{"type":"payment.succeeded"}'
    key = "hooksig:id:msg_crash"

    # 1. The first attempt reaches the upstream, which hangs; the receiver is killed mid-forward.
    p, port = start_receiver(args)
    sender, result = post_until_forwarded(up, port, keys, body, "msg_crash")
    check("the first attempt is forwarded", up.count("msg_crash") == 1, up.seen)
    ttl = int(redis_cmd(redis_port, "TTL", key)[1:])
    check(f"while forwarding, the id is only reserved (TTL {ttl} <= {RESERVATION} s)", 0 < ttl <= RESERVATION, ttl)
    p.send_signal(signal.SIGKILL)
    p.wait()
    sender.join()
    check("the provider saw the attempt fail (no answer)", result.get("r") == (0, b""), result)

    # 2. Restarted on the same Redis: the retry is a duplicate while the reservation lasts ...
    up.hang = False
    reserved_at = time.monotonic()
    p, port = start_receiver(args)
    st, b = post(port, signed(keys, body, "msg_crash"), body)
    check("a retry while the reservation lasts is a duplicate, not forwarded",
          (st, b, up.count("msg_crash")) == (200, b"duplicate\n", 1), (st, b, up.seen))

    # ... and once it ran out the retry is forwarded: the delivery is not lost.
    for _ in range(RESERVATION * 20 + 40):
        if redis_cmd(redis_port, "EXISTS", key) == ":0":
            break
        time.sleep(0.05)
    waited = time.monotonic() - reserved_at
    check(f"the reservation ran out on its own ({waited:.1f} s after the restart)",
          redis_cmd(redis_port, "EXISTS", key) == ":0", waited)
    st, b = post(port, signed(keys, body, "msg_crash"), body)
    check("the retry after the reservation is forwarded and answered with the upstream's 200",
          (st, b, up.count("msg_crash")) == (200, b"processed\n", 2), (st, b, up.seen))
    ttl = int(redis_cmd(redis_port, "TTL", key)[1:])
    check(f"the upstream's 2xx committed the id for --ttl (TTL {ttl})", ttl > 32400 - 60, ttl)

    # 3. Committed: a duplicate, also after another SIGKILL and restart.
    st, b = post(port, signed(keys, body, "msg_crash"), body)
    check("a retry of the committed delivery is a duplicate", (st, b, up.count("msg_crash")) == (200, b"duplicate\n", 2),
          (st, b, up.seen))
    p.send_signal(signal.SIGKILL)
    p.wait()
    p, port = start_receiver(args)
    st, b = post(port, signed(keys, body, "msg_crash"), body)
    check("... and after SIGKILL and a restart", (st, b, up.count("msg_crash")) == (200, b"duplicate\n", 2),
          (st, b, up.seen))

    # 4. An upstream failure (here: its timeout) releases the reservation at once.
    up.hang = True
    st, b = post(port, signed(keys, body, "msg_timeout"), body)
    check("an upstream timeout answers 503 and releases the id",
          st == 503 and redis_cmd(redis_port, "EXISTS", "hooksig:id:msg_timeout") == ":0", (st, b))
    up.hang = False
    st, b = post(port, signed(keys, body, "msg_timeout"), body)
    check("... so its retry is forwarded at once", (st, b, up.count("msg_timeout")) == (200, b"processed\n", 2),
          (st, b, up.seen))

    # 5. A commit the store refuses (Redis killed while the upstream works): the
    #    upstream's 2xx is still answered, and the failure is logged and counted.
    up.delay = 0.5
    sender, result = post_until_forwarded(up, port, keys, body, "msg_commit")
    redis.kill()
    redis.wait()
    sender.join()
    check("Redis gone before the commit: the upstream's 200 is still answered",
          result.get("r") == (200, b"processed\n"), result)
    _, _, page, s = request(port, "GET", "/metrics")
    s.close()
    check("... the failed commit is counted in /metrics",
          b"\nhooksig_receiver_commit_failures_total 1\n" in page, page[-400:])
    log_text = open(os.path.join(work, f"receiver{len(procs) - 1}.log")).read()
    check("... and logged", "error: could not commit id after the upstream's 200" in log_text, log_text[-400:])
    p.send_signal(signal.SIGTERM)
    check("SIGTERM exits 0", p.wait(timeout=10) == 0)
finally:
    cleanup()
sys.exit(1 if failures() else 0)
