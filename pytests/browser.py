"""Headless Chromium for tests, driven over the DevTools protocol on a pipe (no extra package).

    with Browser(tmp_path / "profile") as browser:
        page = browser.open(path_or_file_url)
        page.requests        # every request the page made: url, type, blocked
        page.errors          # console errors, uncaught exceptions, failed loads
        page.evaluate("document.title")
        page.screenshot(tmp_path / "page.png")

Chromium is Debian's `chromium` (or `chromium-browser`); `CHROMIUM` is None when neither is on
PATH, for a skip. The browser talks to the test through `--remote-debugging-pipe` (commands on
its fd 3, replies on fd 4, each a JSON message ended by a NUL byte), so no port is opened and no
Python package is needed. Every request that is not for a file:// or data: URL is failed before
it leaves (and recorded as blocked), and the browser's proxy is a closed local port, so nothing
reaches a network even if a request slipped past: a page behaves as on a machine with the
network off.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # tests may run as root (CI containers)
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--window-size=1400,1000",
    # Nothing may reach a network: a closed local port as the proxy for every scheme.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """Chromium did not answer as expected (crashed, timed out, refused a command)."""


@dataclass
class Request:
    """One request a page made."""

    url: str
    type: str  # Document, Stylesheet, Script, Image, Font, ... (DevTools resource types)
    blocked: bool = False


@dataclass
class Page:
    """A page opened by Browser.open: what it requested and what went wrong while it loaded."""

    browser: Browser
    session: str
    url: str
    requests: list[Request] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        reply = self.browser.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            self.session,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"{expression[:80]!r} raised in the page: {text}")
        return reply["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10) -> Any:
        """Evaluate `expression` until it is truthy (scripts that run after load); its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            self.browser.pump(0.2)

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page."""
        reply = self.browser.call(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, self.session
        )
        path.write_bytes(base64.b64decode(reply["data"]))
        return path

    @property
    def external(self) -> list[Request]:
        """Requests for anything but a local file (each was blocked)."""
        return [r for r in self.requests if not r.url.startswith(LOCAL_SCHEMES)]


class Browser:
    """One headless Chromium process; `open` loads pages in it one after another."""

    def __init__(self, profile: Path, timeout: float = 60) -> None:
        if CHROMIUM is None:
            raise BrowserError("no chromium on PATH")
        self.profile = profile
        self.timeout = timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._to_browser = self._from_browser = -1
        self._buffer = b""
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._pages: dict[str, Page] = {}
        self._loaded: set[str] = set()

    # --- process and pipe -------------------------------------------------------------------

    def __enter__(self) -> Browser:
        self.profile.mkdir(parents=True, exist_ok=True)
        commands_read, commands_write = os.pipe()
        replies_read, replies_write = os.pipe()

        def on_fds_3_and_4() -> None:  # in the child, before exec
            # Copies above 9 first, so that neither end is overwritten by the other's dup2;
            # dup2 makes 3 and 4 inheritable (os.pipe's ends are not).
            ends = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands_read, replies_write)]
            os.dup2(ends[0], 3)
            os.dup2(ends[1], 4)

        self._process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=on_fds_3_and_4,  # a test helper: no threads that could deadlock
            close_fds=False,
        )
        os.close(commands_read)
        os.close(replies_write)
        self._to_browser, self._from_browser = commands_write, replies_read
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is None:
            return
        try:
            self._send("Browser.close", {})
            self._process.wait(timeout=10)
        except (OSError, BrowserError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            for fd in (self._to_browser, self._from_browser):
                os.close(fd)
            self._process = None

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def pump(self, seconds: float) -> None:
        """Read and handle whatever the browser sends for up to `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if not ready:
                return
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("chromium closed the DevTools pipe (it crashed or quit)")
            self._buffer += chunk
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                self._handle(json.loads(raw))

    def call(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        """Send a command and wait for its reply, handling events meanwhile."""
        number = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while number not in self._replies:
            if time.monotonic() > deadline:
                raise BrowserError(f"no reply to {method} within {self.timeout} s")
            self.pump(0.5)
        reply = self._replies.pop(number)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    # --- events -----------------------------------------------------------------------------

    def _handle(self, message: dict[str, Any]) -> None:
        if "id" in message:
            self._replies[message["id"]] = message
            return
        page = self._pages.get(message.get("sessionId", ""))
        if page is None:
            return
        method, params = message.get("method"), message.get("params", {})
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):
                self._send(
                    "Fetch.continueRequest", {"requestId": params["requestId"]}, page.session
                )
            else:
                page.requests.append(Request(url, params.get("resourceType", "Other"), True))
                self._send(
                    "Fetch.failRequest",
                    {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                    page.session,
                )
        elif method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):  # blocked ones are recorded as they are paused
                page.requests.append(Request(url, params.get("type", "Other")))
        elif method == "Page.loadEventFired":
            self._loaded.add(page.session)
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            page.errors.append(f"uncaught: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            page.errors.append("console: " + " ".join(args))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            page.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())

    # --- pages ------------------------------------------------------------------------------

    def open(self, where: Path | str, settle: float = 0.5) -> Page:
        """Load a file (a path) or URL in a new tab and wait for its load event, then `settle`
        seconds more for scripts that run after it."""
        url = where.resolve().as_uri() if isinstance(where, Path) else where
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self, session, url)
        self._pages[session] = page
        for method, params in (
            ("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}),
            ("Network.enable", {}),
            ("Page.enable", {}),
            ("Runtime.enable", {}),
            ("Log.enable", {}),
        ):
            self.call(method, params, session)
        self.call("Page.navigate", {"url": url}, session)
        deadline = time.monotonic() + self.timeout
        while session not in self._loaded:
            if time.monotonic() > deadline:
                raise BrowserError(f"{url} did not finish loading within {self.timeout} s")
            self.pump(0.5)
        self.pump(settle)
        return page
