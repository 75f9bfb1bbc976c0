"""Shared pieces of the hooksig-receiver end-to-end scripts: a scratch
directory, ok/FAIL reporting, starting receivers on a free loopback port,
`hooksig sign` headers, and a minimal HTTP/1.1 client."""
import os
import re
import socket
import subprocess
import tempfile
import time

work = tempfile.mkdtemp()
procs = []
_failures = [0]


def check(name, ok, detail=""):
    """Prints ok/FAIL for one expectation."""
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else f"  [{detail}]"), flush=True)
    if not ok:
        _failures[0] += 1


def failures():
    """How many checks failed so far."""
    return _failures[0]


def start_receiver(receiver, args, env=None):
    """Starts `receiver` on 127.0.0.1:0; returns (process, port, log path) once it listens."""
    log = os.path.join(work, f"receiver{len(procs)}.log")
    p = subprocess.Popen([receiver, "--listen", "127.0.0.1:0"] + args, stdout=open(log, "w"),
                         stderr=subprocess.STDOUT, env=env)
    procs.append(p)
    for _ in range(200):
        m = re.search(r"^listening 127\.0\.0\.1:(\d+) ", open(log).read(), re.M)
        if m:
            return p, int(m.group(1)), log
        if p.poll() is not None:
            break
        time.sleep(0.05)
    raise SystemExit("receiver did not start:\n" + open(log).read())


def signed(cli, key_args, body, msg_id=None):
    """Headers `hooksig sign` makes for `body` (fresh timestamp), as (name, value) pairs."""
    args = [cli, "sign"] + key_args + (["--id", msg_id] if msg_id else [])
    out = subprocess.run(args, input=body, capture_output=True, check=True).stdout.decode()
    return [tuple(x.strip() for x in line.split(":", 1)) for line in out.splitlines() if ":" in line]


def request(port, method, path, headers=(), body=b"", sock=None, keep=False, timeout=5):
    """Sends one request (on `sock` when given); returns (status, headers dict, body, sock)."""
    s = sock or socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.settimeout(timeout)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if not keep:
        head += "Connection: close\r\n"
    if method == "POST":
        head += f"Content-Length: {len(body)}\r\n"
    head += "".join(f"{n}: {v}\r\n" for n, v in headers) + "\r\n"
    s.sendall(head.encode() + body)
    return read_response(s) + (s,)


def read_message(s, buf=b""):
    """Reads one HTTP/1.1 message (request or response) from `s`, after the bytes
    already in `buf`: (start line, lower-cased headers, body, bytes after it), or
    None when the peer closed before the whole message arrived."""
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            return None
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    fields = {k.strip().lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:] if ":" in l)}
    length = int(fields.get("content-length", "0"))
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return lines[0], fields, rest[:length], rest[length:]


def read_response(s):
    """Reads one HTTP response from `s`: (status, headers, body); (0, {}, b"") if it closed first."""
    message = read_message(s)
    if message is None:
        return (0, {}, b"")
    start, fields, body, _ = message
    return int(start.split()[1]), fields, body


def cleanup():
    """Kills what is still running and removes the scratch directory."""
    for q in procs:
        if q.poll() is None:
            q.kill()
            q.wait()
    subprocess.run(["rm", "-rf", work])
