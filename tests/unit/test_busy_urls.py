"""Busy calendars from URLs (issue 13), against a real local HTTP server: first fetch,
304, server down with and without a kept copy, 404, a slow server hitting the timeout;
and the seed planned from a URL and from the kept copy."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from planner.busy import BusyError, fetch
from planner.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "busy"
NOW = datetime(2027, 1, 11, 12, 0, tzinfo=timezone.utc)
SECRET = "/calendar/ical/alex%40example.com/private-0123456789abcdef/basic.ics"


@dataclass
class Server:
    url: str
    body: bytes = b""
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, str]] = field(default_factory=list)
    port: int = 0


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server(url="", body=(DATA / "google.ics").read_bytes())

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(dict(self.headers.items()))
            if state.delay:
                time.sleep(state.delay)
            if state.status != 200:
                self.send_response(state.status)
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("ETag", '"v1"')
            self.send_header("Last-Modified", "Mon, 04 Jan 2027 10:00:00 GMT")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    state.url = f"http://127.0.0.1:{state.port}{SECRET}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_first_fetch_then_304(server: Server, tmp_path: Path) -> None:
    first = fetch(server.url, tmp_path, NOW)
    assert first.data == server.body and first.warning is None
    assert "If-None-Match" not in server.requests[0]
    kept = list((tmp_path / "busy" / "urls").iterdir())
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in kept)
    again = fetch(server.url, tmp_path, NOW + timedelta(hours=1))
    assert again.data == server.body and again.warning is None
    assert server.requests[1]["If-None-Match"] == '"v1"'
    assert server.requests[1]["If-Modified-Since"] == "Mon, 04 Jan 2027 10:00:00 GMT"


def test_server_down_uses_the_kept_copy_with_a_warning(server: Server, tmp_path: Path) -> None:
    fetch(server.url, tmp_path, NOW)
    server.status = 503
    got = fetch(server.url, tmp_path, NOW + timedelta(hours=3))
    assert got.data == server.body
    assert got.warning == (
        "busy calendar on 127.0.0.1: cannot fetch it (HTTP 503); using the copy from 3 h ago"
    )
    assert "private" not in got.warning


def test_unreachable_without_a_copy_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BusyError) as info:
        fetch(f"http://127.0.0.1:9{SECRET}", tmp_path, NOW, timeout=2)
    text = str(info.value)
    assert text.startswith("busy calendar http://127.0.0.1:9/…: cannot fetch it")
    assert "private" not in text and "\n" not in text


def test_404_without_a_copy(server: Server, tmp_path: Path) -> None:
    server.status = 404
    with pytest.raises(BusyError, match=r"cannot fetch it \(HTTP 404\) and no copy is kept"):
        fetch(server.url, tmp_path, NOW)


def test_slow_server_hits_the_timeout(server: Server, tmp_path: Path) -> None:
    fetch(server.url, tmp_path, NOW)
    server.delay = 2.0
    started = time.perf_counter()
    got = fetch(server.url, tmp_path, NOW + timedelta(days=3), timeout=0.5)
    assert time.perf_counter() - started < 1.9
    assert got.warning is not None and "timed out" in got.warning
    assert got.warning.endswith("using the copy from 3 days ago")


SETTINGS = "timezone: Europe/Berlin\nbusy:\n  - {busy}\n"


def _sessions(out: str) -> list[tuple[datetime, datetime]]:
    import json

    data = json.loads(out)
    return [
        (datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
        for s in data["sessions"]
    ]


def _busy_instances() -> list[tuple[datetime, datetime]]:
    from zoneinfo import ZoneInfo

    from planner.busy import local_spans, parse_calendar

    tz = ZoneInfo("Europe/Berlin")
    times = parse_calendar(
        (DATA / "google.ics").read_bytes(), "g", date(2027, 1, 11), date(2029, 1, 1), tz
    )
    return local_spans(times, tz)


def test_the_seed_planned_from_a_url_and_from_its_copy_when_down(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(SETTINGS.format(busy=server.url), encoding="utf-8")
    argv = ["plan", "--settings", str(settings), "--today", "2027-01-11", "--json"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    import json

    data = json.loads(out)
    assert data["hours_remaining"] == 944
    assert round(sum(s["hours"] for s in data["sessions"]), 6) == 944
    sessions = _sessions(out)
    busy = _busy_instances()
    assert not [(s, b) for s in sessions for b in busy if s[0] < b[1] and b[0] < s[1]]
    assert data["busy_lost"] == [{"week": "2027-01-18", "hours": 3.0}]
    starts = {s["start"] for s in data["sessions"]}
    assert "2027-01-13T19:00:00+01:00" in starts  # the gym is cancelled that Wednesday
    assert "2027-01-14T19:00:00+01:00" in starts  # the film is a free event
    assert "2027-01-15T20:00:00+01:00" in starts  # the party is cancelled, the gym is not
    assert not any(s.startswith(("2027-01-21", "2027-01-22")) for s in starts)  # all day
    server.status = 500
    assert main(argv) == 0
    again, err = capsys.readouterr()
    assert again == out
    assert err.startswith("planner: warning: busy calendar on 127.0.0.1: cannot fetch it")
    assert "private" not in err and err.count("\n") == 1


def test_no_copy_and_no_server_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(SETTINGS.format(busy=f"http://127.0.0.1:9{SECRET}"), encoding="utf-8")
    assert main(["plan", "--settings", str(settings), "--today", "2027-01-11"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "private" not in err
    assert err.startswith("planner: busy calendar http://127.0.0.1:9/…: cannot fetch it")
