"""A Streamlit browser session at the protocol level (test and bench support): opens a page, presses Train,
asks for the live fragments' reruns like the browser, and counts what it receives, without rendering.

It speaks Streamlit's own websocket protocol (the BackMsg / ForwardMsg protobufs). Through nginx
(`gantoy serve`) it behaves like a browser: it first loads the page to get the stickiness cookie and sends
it with the websocket, and it can reconnect to its session (the session id in the third websocket
subprotocol, as Streamlit's frontend does). Used by bench/server_share.py and tests/test_serve.py.
"""
from __future__ import annotations

import asyncio
import re
import time
import urllib.request

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

COUNTER = re.compile(r"iteration \*\*(\d+)\*\*")   # the caption of the live fragment (gantoy.ui.controls)
REPLICA = re.compile(r"Served by replica (\d+) of (\d+)")   # app.py's About text under `gantoy serve`


def page_cookie(base: str) -> str | None:
    """Load the app's page like a browser; the Set-Cookie nginx gives (None straight from streamlit)."""
    with urllib.request.urlopen(base + "/", timeout=30) as r:
        for v in r.headers.get_all("Set-Cookie") or []:
            if v.startswith("gantoy_replica="):
                return v.split(";", 1)[0]
    return None


class Student:
    """One browser session. ``cookie``: the Cookie header to send (page_cookie); ``session_id``: reconnect
    to that session."""

    def __init__(self, base: str, page: str, cookie: str | None = None, session_id: str | None = None,
                 fastest: bool = True, cache: dict | None = None, hostname: str | None = None):
        path, _, query = page.partition("?")
        self.url = base.replace("http", "ws", 1) + "/_stcore/stream"
        # ``hostname``: connect as a browser that opened http://hostname:port (Host and Origin say so) while the
        # socket still goes to base's address: a classroom's name for the server, not a loopback address
        self.via = None
        if hostname:
            addr, port = base.split("//", 1)[1].rsplit(":", 1)
            self.url = f"ws://{hostname}:{port}/_stcore/stream"
            self.via = dict(host=addr, port=int(port), origin=f"http://{hostname}:{port}")
        self.page, self.query = path, query
        self.cookie, self.session_id = cookie, session_id
        self.replica = None               # "2 of 4" under gantoy serve
        self.cache: dict = dict(cache or {})   # hash -> cacheable message received (the browser's message
        # cache; a reconnecting browser keeps it, and the server then sends references to what it holds)
        self.train_id = None
        self.fastest = fastest            # pick the Speed select's last option (most iterations per frame)
        self.speed = None                 # (widget id, option label) of the Speed select
        self.timers: dict[str, asyncio.Task] = {}
        self.counter: list[tuple[float, int]] = []  # (time, iteration) at each counter delta while measuring
        self.first_counter = None         # the iteration the page showed on its first run (after a reconnect)
        self.figures = 0
        self.errors: list[str] = []

    async def _rerun(self, ws, fragment_id="", auto=False, widgets=()):
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string, cs.page_name = self.query, self.page
        cs.fragment_id, cs.is_auto_rerun = fragment_id, auto
        cs.cached_message_hashes.extend(self.cache)
        cs.widget_states.widgets.extend(widgets)
        await ws.send(msg.SerializeToString())

    async def _every(self, ws, fragment_id, interval):
        """What the browser does on an AutoRerun message: a rerun request each interval."""
        while True:
            await asyncio.sleep(interval)
            await self._rerun(ws, fragment_id, auto=True)

    def _connect(self):
        protocols = ["streamlit", "xsrf", self.session_id] if self.session_id else ["streamlit"]
        headers = {"Cookie": self.cookie} if self.cookie else None
        return websockets.connect(self.url, subprotocols=protocols, max_size=None, additional_headers=headers,
                                  **(self.via or {}))

    async def run(self, seconds: float, train: bool = True):
        """Open the page; press Train (unless ``train`` is False) and keep the live fragments running for
        ``seconds``; then disconnect (the session stays on the server for its TTL)."""
        async with self._connect() as ws:
            await self._rerun(ws)
            t_end, started = None, False
            try:
                while t_end is None or time.perf_counter() < t_end:
                    wait = 60 if t_end is None else max(0.01, t_end - time.perf_counter())
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=wait)
                    except asyncio.TimeoutError:
                        if t_end is None:
                            raise
                        break   # a quiet page until the end of the measurement
                    msg = ForwardMsg()
                    msg.ParseFromString(raw)
                    kind = msg.WhichOneof("type")
                    if kind == "ref_hash" and msg.ref_hash in self.cache:   # a message the server knows we hold
                        held = self.cache[msg.ref_hash]
                        msg = ForwardMsg()
                        msg.ParseFromString(held)
                        kind = msg.WhichOneof("type")
                    elif msg.metadata.cacheable and msg.hash:
                        self.cache[msg.hash] = raw
                    if kind == "new_session":   # our full run begins (after a reconnect, the end of a
                        started = True          # fragment run from before may arrive first)
                        self.session_id = msg.new_session.initialize.session_id
                    elif kind == "page_config_changed":
                        m = REPLICA.search(msg.page_config_changed.menu_items.about_section_md)
                        self.replica = f"{m.group(1)} of {m.group(2)}" if m else None
                    elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                        self._element(msg.delta.new_element, t_end is not None)
                    elif kind == "auto_rerun" and msg.auto_rerun.fragment_id not in self.timers:
                        self.timers[msg.auto_rerun.fragment_id] = asyncio.create_task(
                            self._every(ws, msg.auto_rerun.fragment_id, msg.auto_rerun.interval))
                    elif kind == "script_finished" and t_end is None and started:
                        if train and self.train_id is None:
                            self.errors.append("no Train button on the page")
                            return
                        t_end = time.perf_counter() + seconds
                        if train:
                            widgets = [WidgetState(id=self.train_id, trigger_value=True)]
                            if self.fastest and self.speed:
                                widgets.append(WidgetState(id=self.speed[0], string_value=self.speed[1]))
                            await self._rerun(ws, widgets=widgets)
            finally:
                for task in self.timers.values():
                    task.cancel()
                self.timers.clear()

    def _element(self, el, measuring: bool):
        kind = el.WhichOneof("type")
        if kind == "button" and el.button.label == "Train":
            self.train_id = el.button.id
        elif kind == "selectbox" and el.selectbox.label == "Speed":
            self.speed = (el.selectbox.id, el.selectbox.options[-1])
        elif kind == "exception":
            self.errors.append(el.exception.message[:200])
        elif kind == "markdown":
            m = COUNTER.search(el.markdown.body)
            if m and self.first_counter is None:
                self.first_counter = int(m.group(1))
            if m and measuring:
                self.counter.append((time.perf_counter(), int(m.group(1))))
        elif measuring and kind == "bidi_component":   # gantoy.ui.livechart's component
            self.figures += 1

    @property
    def last_iteration(self) -> int:
        return self.counter[-1][1] if self.counter else (self.first_counter or 0)

    def rates(self):
        c = self.counter
        if len(c) < 2:
            return 0.0, 0.0, 0.0
        dt = c[-1][0] - c[0][0]
        changes = sum(b[1] != a[1] for a, b in zip(c, c[1:]))
        return changes / dt, self.figures / dt, (c[-1][1] - c[0][1]) / dt
