"""A real terminal for end-to-end tests: tmux on a private socket, keys in, screen text out."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Mapping


class Terminal:
    def __init__(self, width: int = 80, height: int = 24) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is required for the end-to-end tests (apt-get install tmux)")
        self.socket = f"hd-e2e-{uuid.uuid4().hex[:8]}"
        self.session = "hd"
        self.width, self.height = width, height

    def _tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20, check=False
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: list[str], env: Mapping[str, str]) -> None:
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        line = f"env {exports} {' '.join(shlex.quote(c) for c in command)}; echo '[exited]'; sleep 30"
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-s", self.session,
            "-x", str(self.width), "-y", str(self.height), line,
        )  # fmt: skip
        self._tmux("set-option", "-t", self.session, "status", "off", check=False)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self._tmux("send-keys", "-t", self.session, key)
            time.sleep(0.15)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.session, "-l", text)
        time.sleep(0.2)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear within {timeout}s; the screen shows:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} was still on screen after {timeout}s:\n{screen}")

    def close(self) -> None:
        self._tmux("kill-server", check=False)


def helpdesk_env(db_path: str, **extra: str) -> dict[str, str]:
    env = {
        "HELPDESK_DB": f"sqlite:///{db_path}",
        "HELPDESK_CONFIG": os.devnull,
        "TERM": "xterm",  # 16 colours: what a plain SSH session often offers
        "LANG": "C.UTF-8",
        "HOME": os.environ.get("HOME", "/root"),
        "PATH": os.environ.get("PATH", ""),
    }
    env.update(extra)
    return env
