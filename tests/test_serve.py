"""`gantoy serve --replicas 2`: two sessions through nginx, each on its own replica, train; each keeps its own
state across a reconnect (the stickiness cookie brings it back to its replica; the same session id with the
other replica's cookie finds nothing there, so it is the cookie that keeps the state); a hung replica and a
dead one are restarted by the health checks; Ctrl-C stops nginx and every replica, no process left.

Needs Debian's nginx: skipped without it, unless GANTOY_REQUIRE_NGINX is set (CI installs nginx and sets it).
"""
import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from gantoy import serve
from gantoy.core.config import ConfigError
from tests.support.protocol import Student, page_cookie
from tests.support.server import ROOT, free_port

PAGE = "figure1?train.schedule=constant"


def _nginx_or_skip():
    try:
        return serve.find_nginx()
    except ConfigError:
        if os.environ.get("GANTOY_REQUIRE_NGINX"):
            raise
        pytest.skip("nginx is not installed (apt-get install -y nginx)")


def descendants(pid: int) -> set:
    """Every process below pid (from /proc)."""
    children = {}
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{p}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(p))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def served():
    _nginx_or_skip()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gantoy", "serve", "--replicas", "2", "--port", str(port),
                             "--address", "127.0.0.1", "--health-every", "0.5"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    t0 = time.time()
    while not any("students open" in ln for ln in lines):
        assert proc.poll() is None, "".join(lines)
        assert time.time() - t0 < 180, "gantoy serve did not start: " + "".join(lines)
        time.sleep(0.3)
    try:
        yield f"http://127.0.0.1:{port}", proc, lines
    finally:
        if proc.poll() is None:
            proc.kill()


def wait_for(lines, text, timeout=60):
    t0 = time.time()
    while not any(text in ln for ln in lines):
        assert time.time() - t0 < timeout, f"no {text!r} in: " + "".join(lines)
        time.sleep(0.2)
    return next(ln for ln in lines if text in ln)


def test_two_sessions_keep_their_state_across_reconnects_then_everything_stops(served):
    base, proc, lines = served
    pids = {int(p) for p in re.findall(r"pid (\d+)", "".join(lines))}
    assert len(pids) == 3                                   # two replicas and nginx's master
    cookies = [page_cookie(base), page_cookie(base)]
    # as browsers that opened the server by a name (Host and Origin carry it, with the port): Streamlit
    # refuses a websocket whose Origin does not match its Host, so nginx must pass the Host with its port
    a, b = (Student(base, PAGE, cookie=c, hostname="classroom.test") for c in cookies)

    async def both(*students, seconds, train=True):
        await asyncio.gather(*(s.run(seconds, train=train) for s in students))

    asyncio.run(both(a, b, seconds=5))
    assert not a.errors and not b.errors
    assert {a.replica, b.replica} == {"1 of 2", "2 of 2"}  # new browsers are given the replicas in turn
    assert a.last_iteration > 0 and b.last_iteration > 0

    # reconnect each with its cookie and session id: the same session, at the iteration it had reached
    a2, b2 = (Student(base, PAGE, cookie=s.cookie, session_id=s.session_id, cache=s.cache) for s in (a, b))
    asyncio.run(both(a2, b2, seconds=0.5, train=False))
    for before, after in ((a, a2), (b, b2)):
        assert after.replica == before.replica and after.session_id == before.session_id
        assert after.first_counter >= before.last_iteration > 0

    # the negative control: a's session id with b's cookie reaches b's replica, which has no such session
    lost = Student(base, PAGE, cookie=b.cookie, session_id=a.session_id)
    asyncio.run(both(lost, seconds=0.5, train=False))
    assert lost.replica == b.replica and lost.session_id != a.session_id and lost.first_counter == 0

    # a hung replica (SIGSTOP: alive, deaf) misses its health checks and is replaced; a dead one too
    replica_pids = [int(p) for p in re.findall(r"pid (\d+) on", "".join(lines))]
    os.kill(replica_pids[1], signal.SIGSTOP)
    wait_for(lines, "replica 2 missed 4 health checks in a row; started it again")
    ports = [int(p) for p in re.findall(r"on 127\.0\.0\.1:(\d+)", lines[0])]
    t0 = time.time()
    while not serve.healthy(ports[1]):                     # the new replica 2 is up before replica 1 dies
        assert time.time() - t0 < 90, "replica 2 did not come back"
        time.sleep(0.5)
    os.kill(replica_pids[0], signal.SIGKILL)
    # a browser pinned to the dead replica is served by a live one and pinned to it (nginx's error_page
    # fallback; the cookie names the replica that answered, also after a retry)
    pinned = a.cookie if a.replica == "1 of 2" else b.cookie
    req = urllib.request.Request(base + "/", headers={"Cookie": pinned})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200 and "gantoy_replica=r2" in (r.headers.get("Set-Cookie") or "")
    wait_for(lines, "replica 1 exited (-9); started it again")
    assert not alive(replica_pids[0]) and not alive(replica_pids[1])
    t0 = time.time()
    while not all(serve.healthy(p) for p in ports):
        assert time.time() - t0 < 90, "the restarted replicas did not come back"
        time.sleep(0.5)
    again = Student(base, PAGE, cookie=a.cookie)           # the page works again on a's replica
    asyncio.run(both(again, seconds=1))
    assert not again.errors and again.replica == a.replica and again.last_iteration > 0

    family = descendants(proc.pid)
    assert pids - set(replica_pids) <= family and len(family) >= 4   # nginx, its worker, two new replicas
    proc.send_signal(signal.SIGINT)                         # Ctrl-C
    assert proc.wait(30) == 0
    time.sleep(0.5)
    assert [p for p in family if alive(p)] == []
    assert "stopped nginx and every replica" in "".join(lines)


def test_rendered_config_is_valid_nginx(tmp_path):
    nginx = _nginx_or_skip()
    (tmp_path / "tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(serve.render_config("127.0.0.1:18080", [18081, 18082], str(tmp_path)))
    assert "{{" not in conf.read_text() and "r2 127.0.0.1:18082;" in conf.read_text()
    r = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_missing_nginx_says_how_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(ConfigError, match="apt-get install -y nginx"):
        serve.find_nginx()


def test_bad_serve_flags_get_one_line(capsys):
    from tests.test_cli import run_here

    code, _, err = run_here(["serve", "--replicas", "0"], capsys)
    assert code == 2 and "--replicas" in err
    code, _, err = run_here(["serve", "--port", "70000"], capsys)
    assert code == 2 and "--port" in err
    import socket

    with socket.socket() as s:           # a port somebody already listens on
        s.bind(("127.0.0.1", 0))
        s.listen()
        code, _, err = run_here(["serve", "--port", str(s.getsockname()[1]), "--address", "127.0.0.1"], capsys)
    assert code == 2 and "cannot listen" in err
