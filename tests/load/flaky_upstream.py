#!/usr/bin/env python3
"""An application behind hooksig-receiver --forward that fails 30% of requests
(half of them a 500, half a dropped connection, neither processed) and counts
the deliveries it processed by webhook-id.

usage: flaky_upstream.py PORT_FILE PROCESSED_FILE [FAIL_RATE]
Writes its port to PORT_FILE; on SIGTERM writes one processed id a line.
"""
import http.server
import random
import signal
import sys
import threading

port_file, processed_file = sys.argv[1], sys.argv[2]
fail_rate = float(sys.argv[3]) if len(sys.argv) > 3 else 0.3
processed = []
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    """Processes a delivery, or fails before processing it."""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # head and body are two writes: no delayed-ACK stall

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        roll = random.random()
        if roll < fail_rate / 2:
            self.close_connection = True  # dropped: no answer at all
            self.connection.close()
            return
        status = 500 if roll < fail_rate else 200
        if status == 200:
            with lock:
                processed.append(self.headers.get("webhook-id", "?"))
        reply = b"processed\n" if status == 200 else b"failed\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer.request_queue_size = 1024  # default backlog 5: SYN retries under load
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True


def stop(*_):
    """Writes the processed ids and exits."""
    with lock, open(processed_file, "w") as f:
        f.write("".join(i + "\n" for i in processed))
    threading.Thread(target=server.shutdown).start()


signal.signal(signal.SIGTERM, stop)
with open(port_file, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
