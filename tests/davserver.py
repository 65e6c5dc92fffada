"""A real Radicale server on a free port, and a counting proxy in front of it.

Used by the sync tests (tests/unit/test_sync_caldav.py) and bench/bench_sync.py:

- ``Radicale(folder)``: starts ``python -m radicale`` on 127.0.0.1 with htpasswd (plain)
  authentication, a storage folder of its own and no delay after a wrong password;
  ``stop()`` kills it, ``start()`` starts it again on the same port and folder.
- ``CountingProxy(upstream)``: an HTTP proxy that forwards every request to the server and
  counts them (method and path); ``fail_after(n)`` makes it drop every request after the
  next ``n`` (the connection is closed without an answer, as when the server dies);
  ``on_put(n, action)`` runs ``action`` (e.g. killing the server) after the n-th PUT.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

USER = "learner"
PASSWORD = "s3cret pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Radicale:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.users = folder / "users"
        self.users.write_text(f"{USER}:{PASSWORD}\n")
        self.storage = folder / "collections"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "radicale",
                "--server-hosts",
                f"127.0.0.1:{self.port}",
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(self.users),
                "--auth-htpasswd-encryption",
                "plain",
                "--auth-delay",
                "0",
                "--rights-type",
                "owner_only",
                "--storage-filesystem-folder",
                str(self.storage),
                "--logging-level",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("radicale exited at start") from None
                time.sleep(0.05)
        raise RuntimeError("radicale did not start in 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


class CountingProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.requests: list[tuple[str, str]] = []
        self.allowed: int | None = None
        self.put_hook: tuple[int, Callable[[], None]] | None = None
        self.puts = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with proxy.lock:
                    proxy.requests.append((self.command, self.path))
                    if proxy.allowed is not None:
                        if proxy.allowed <= 0:
                            self.close_connection = True
                            self.connection.shutdown(socket.SHUT_RDWR)
                            return
                        proxy.allowed -= 1
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                except OSError:  # the server is gone: so is the answer
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if self.command == "PUT":
                    with proxy.lock:
                        proxy.puts += 1
                        hook = proxy.put_hook
                    if hook is not None and proxy.puts == hook[0]:
                        hook[1]()  # e.g. the server killed after this PUT, before the answer
                        self.close_connection = True
                        self.connection.shutdown(socket.SHUT_RDWR)
                        return
                self.send_response(answer.status, answer.reason)
                for key, value in answer.getheaders():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_DELETE = do_REPORT = do_PROPFIND = _forward
            do_MKCALENDAR = do_OPTIONS = do_PROPPATCH = do_POST = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def fail_after(self, n: int | None) -> None:
        with self.lock:
            self.allowed = n

    def on_put(self, n: int, action: Callable[[], None]) -> None:
        with self.lock:
            self.puts = 0
            self.put_hook = (n, action)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
