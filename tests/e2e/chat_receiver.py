"""A chat webhook for the end-to-end tests: a local HTTP receiver (a thread of the test) that records every message
and answers as told, and the secrets a webhook URL holds (which must never reach a run's output)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The secrets of a webhook: a token in its path (Slack, Teams), one in its query (DingTalk), DingTalk's signing secret.
PATH_TOKEN = "T0KEN-in-the-path-7f3a"
QUERY_TOKEN = "access-token-in-the-query-91c2"
SECRET = "SEC-dingtalk-signing-secret-5d8e"
# What each chat answers to a message it took.
ACCEPTED = {"slack": (200, "text/plain", b"ok"), "dingtalk": (200, "application/json", b'{"errcode":0,"errmsg":"ok"}'),
            "teams": (202, "text/plain", b""), "generic": (204, "text/plain", b"")}


class Receiver:
    """A chat webhook on a free loopback port: records every request, and answers as told (answer: status, content
    type, body; delay: seconds before answering)."""

    def __init__(self):
        self.requests = []
        self.answer = ACCEPTED["generic"]
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                          "body": json.loads(body)})
                time.sleep(receiver.delay)
                status, content_type, content = receiver.answer
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, fmt: str) -> str:
        base = "http://127.0.0.1:%d" % self.server.server_address[1]
        if fmt == "dingtalk":
            return base + "/robot/send?access_token=" + QUERY_TOKEN
        return base + "/services/" + PATH_TOKEN

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
