"""Headless Chromium for tests, driven over the DevTools protocol on a pipe, offline.

Chromium started with `--remote-debugging-pipe` reads protocol commands on its file descriptor
3 and writes replies and events on 4, each a JSON message ended by a NUL byte: no port, no
websocket client, no extra Python package (it is what Playwright itself does under the hood).
Every request of a page is paused (the Fetch domain): a file: URL goes on, anything else is
failed and recorded, so a page that would reach the network is caught and never waits for it.
Host resolution is also mapped to nothing and the proxy is a closed local port, so a request
the Fetch domain does not see (a WebSocket, a prefetch) cannot leave the machine either.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Debian's package names the binary `chromium`; other systems call it so too, or not.
EXECUTABLES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)
#: URL schemes that never leave the page's own file.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


def find_chromium() -> str | None:
    """The path of a Chromium binary on PATH, or None."""
    for name in EXECUTABLES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(Exception):
    """Chromium answered a command with an error, stopped, or did not answer in time."""


@dataclass
class PageLog:
    """What a page did: every request URL, the ones blocked, and console errors."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    loaded: bool = False


def _high_fd(fd: int) -> int:
    """The same pipe end on a descriptor above 9, so moving it to 3 or 4 clobbers nothing."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """One headless Chromium process; `open` loads a page in a fresh tab."""

    def __init__(self, executable: str, width: int = 1280, height: int = 900) -> None:
        self.profile = tempfile.mkdtemp(prefix="commops-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        to_browser_r, from_browser_w = _high_fd(to_browser_r), _high_fd(from_browser_w)

        def wire_pipes() -> None:  # in the child, before exec
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.stderr = open(Path(self.profile) / "stderr.txt", "w")
        self.process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            pass_fds=(3, 4),
            preexec_fn=wire_pipes,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.logs: dict[str, PageLog] = {}
        self.width, self.height = width, height

    # -- the protocol --------------------------------------------------------------------------

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, timeout: float) -> dict | None:
        """The next message, or None when nothing came within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError(f"Chromium exited (code {self.process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _event(self, message: dict) -> None:
        """Record what a page does; let its file: requests through and fail the others."""
        method, params = message.get("method"), message.get("params", {})
        log = self.logs.get(message.get("sessionId", ""))
        if log is None:
            return
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(LOCAL_SCHEMES):
                request = {"requestId": params["requestId"]}
                self._send("Fetch.continueRequest", request, message["sessionId"])
            else:
                log.blocked.append(url)
                self._send(
                    "Fetch.failRequest",
                    {"requestId": params["requestId"], "errorReason": "BlockedByClient"},
                    message["sessionId"],
                )
        elif method == "Network.requestWillBeSent":
            log.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            log.errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            log.errors.append(f"exception: {text}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            log.errors.append(f"{entry['source']}: {entry['text']} {entry.get('url', '')}")
        elif method == "Page.loadEventFired":
            log.loaded = True

    def call(
        self,
        method: str,
        params: dict | None = None,
        session: str | None = None,
        timeout: float = 30.0,
    ) -> dict:
        """Send a command and return its result, handling the events that arrive meanwhile."""
        sent = self._send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(max(deadline - time.monotonic(), 0))
            if message is None:
                raise BrowserError(f"{method}: no answer within {timeout} s")
            if message.get("id") == sent:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self._event(message)

    def pump(self, seconds: float) -> None:
        """Handle events for a while (requests paused meanwhile must be answered)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            message = self._receive(left)
            if message is not None:
                self._event(message)

    # -- pages ---------------------------------------------------------------------------------

    def open(self, url: str, timeout: float = 60.0) -> Page:
        """Load `url` in a new tab with every request watched; return when it has loaded."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        log = self.logs[session] = PageLog()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}, session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self.call("Page.navigate", {"url": url}, session, timeout)
        deadline = time.monotonic() + timeout
        while not log.loaded and time.monotonic() < deadline:
            self.pump(0.2)
        if not log.loaded:
            raise BrowserError(f"{url} did not finish loading within {timeout} s")
        return Page(self, session, log)

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=10)
        except BrowserError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@dataclass
class Page:
    browser: Chromium
    session: str
    log: PageLog

    def evaluate(self, expression: str, timeout: float = 30.0) -> Any:
        """The value of a JavaScript expression in the page (awaited if a promise)."""
        result = self.browser.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            self.session,
            timeout,
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"evaluate: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30.0) -> bool:
        """Whether `expression` became true within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return True
            self.browser.pump(0.2)
        return bool(self.evaluate(expression))

    def screenshot(self, selector: str | None = None) -> bytes:
        """A PNG of the element `selector` matches, whole even where it is below the fold;
        without a selector, of the window as it shows the top of the page."""
        if selector is None:
            shot = self.browser.call("Page.captureScreenshot", {"format": "png"}, self.session)
            return base64.b64decode(shot["data"])
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return {x: r.left + window.scrollX, "
            "y: r.top + window.scrollY, width: r.width, height: r.height}; })()"
        )
        shot = self.browser.call(
            "Page.captureScreenshot",
            {"format": "png", "clip": {**box, "scale": 1}, "captureBeyondViewport": True},
            self.session,
            60,
        )
        return base64.b64decode(shot["data"])
