"""Console benchmark: process start -> painted queue, key press -> painted page, peak memory.

    .venv/bin/python bench/bench_console.py [--sizes 10k,100k,1M] [--repeat 5] [--presses 20]
        [--hold 150] [--keep DIR] [--driver pty|headless] [--profile DIR] [--no-tmux]

For every size (SQLite databases seeded by bench_store.py's own seeder; with --keep DIR they are
kept and reused) the real `helpdesk --db sqlite:///... --as sup_soporte` console is started
--repeat times, each in a fresh interpreter on a 120x40 pseudo-terminal, and typed at with the
bytes a terminal sends. The child runs the ordinary command (click, settings, `run_console`)
with one difference: the app class is a subclass that only observes - when frames are written
and what the queue's table shows at each (and, through wrappers, how long the queue's page reads
and table rebuilds take). Figures only: nothing here asserts on time.

"Painted" = Textual has composed the frame and written its escape sequences to the terminal:
the moment `App.post_display_hook` runs, right after the driver's write. The terminal emulator
drawing those bytes is not included (the tmux cross-check includes it). See bench/README.md.
"""

from __future__ import annotations

import os
import sys
import time

T_START = time.perf_counter()  # the child's first moment; CLOCK_MONOTONIC, so comparable across processes

AREA_USER = "sup_soporte"  # supervisor of the two busiest areas (bench_store.SUPERVISOR)
SIZE = (120, 40)  # columns, rows: wide enough for the preview pane
QUIET_S = 0.15  # a key is over when no frame came for this long and no page is being read
KEY_TIMEOUT_S = 8.0
HOLD_RATE = 30.0  # keys per second while a key is held (a typical auto-repeat)

AIM_START_MS = 1500.0
AIM_KEY_MS = 50.0
AIM_PEAK_MB = 200.0

# A key's name in the script -> (bytes a terminal sends, Textual's key, its character)
KEYS: dict[str, tuple[bytes, str, str | None]] = {
    "pagedown": (b"\x1b[6~", "pagedown", None),
    "pageup": (b"\x1b[5~", "pageup", None),
    "down": (b"\x1b[B", "down", None),
    "h": (b"h", "h", "h"),
    "G": (b"G", "G", "G"),
    "g": (b"g", "g", "g"),
    "f12": (b"\x1b[24~", "f12", None),  # the end of a held key (the probe keeps it from the app)
    "quit": (b"\x11", "ctrl+q", None),
}
HELD = frozenset({"down"})  # keys measured as held: each reported when painted, not settled
KIND = {"h": "tab", "G": "end", "g": "top", "down": "held_down"}


# ============================================================ the child: the console, observed


class Probe:
    """Frames written, the queue table's state at each, and the keys being measured."""

    def __init__(self, report, headless: bool, script: list[str], profile_dir: str | None) -> None:  # type: ignore[no-untyped-def]
        self.report, self.headless, self.script = report, headless, script
        self.app = None
        self.screen = None
        self.marks: dict[str, float] = {}
        self.frames = 0
        self.last_frame = 0.0
        self.open: list[dict] = []  # keys whose page is not painted (held) or not settled yet
        self.first_fetch_ms: list[float] = []
        self.first_show_ms: list[float] = []
        self.held_seq = 0
        self.received = 0  # keys measured so far
        self.last_key: dict | None = None
        self.hold_ended = False
        self.written: list[str] = []  # what the driver was given since the last frame
        self.marks_pool: dict = {}
        self.fetch_count = 0  # queue page reads so far
        self.profile_dir = profile_dir
        self.profiler = None
        if profile_dir:  # pyinstrument, for measuring only: the start, then the keys
            from pyinstrument import Profiler

            self.profiler = Profiler(interval=0.0005, async_mode="disabled")
            self.profiler.start()

    # --------------------------------------------------------------- profile
    def save_profile(self, name: str, *, again: bool) -> None:
        if self.profiler is None:
            return
        from pathlib import Path

        from pyinstrument import Profiler

        self.profiler.stop()
        folder = Path(self.profile_dir)
        folder.joinpath(name + ".txt").write_text(self.profiler.output_text(unicode=True))
        folder.joinpath(name + "-flat.txt").write_text(self.profiler.output_text(unicode=True, flat=True))
        self.profiler.last_session.save(str(folder / (name + ".pyisession")))  # pyinstrument --load
        self.profiler = Profiler(interval=0.0005, async_mode="disabled") if again else None

    # ------------------------------------------------------------ the table
    def table_state(self) -> tuple[int, int | None, int | None, bool]:
        """(identity of the rows list shown, top visible ticket, cursor ticket, cursor on screen)."""
        table = self.screen.table
        rows = table.rows_shown
        top, cursor = int(table.scroll_y), table.cursor_row
        height = max(1, table.size.height - table.header_height)
        top_id = rows[top].id if 0 <= top < len(rows) else None
        cursor_id = rows[cursor].id if 0 <= cursor < len(rows) else None
        return id(rows), top_id, cursor_id, top <= cursor < top + height

    def note(self, what: str, **data: object) -> None:
        now = time.perf_counter()
        for m in self.open:
            if not m["held"] and len(m["timeline"]) < 60:
                m["timeline"].append((what, now, data))

    # ---------------------------------------------------------- frames
    def frame(self) -> None:
        """After every frame (App.post_display_hook, which runs right after the driver's write).

        A frame counts as showing tickets only if it really carries them: on the pty, its bytes
        hold the ticket number looked for ("HD-000123"); headless, where no bytes are made, the
        table has rendered lines since its rows were last replaced (DataTable's line cache,
        emptied by clear()). A frame written between `show_rows` and the table's repaint - the
        DataTable measures new rows on idle - carries the tab counts or the status line only.
        """
        now = time.perf_counter()
        self.frames += 1
        self.last_frame = now
        self.marks.setdefault("first_frame", now)
        written, self.written = "".join(self.written), []
        screen = self.screen or self._queue_screen()
        if screen is None:
            return
        table = screen.table

        def carries(number: str) -> bool:
            return number in written if not self.headless else bool(table._line_cache)

        if "first_rows" in self.marks and "first_page_painted" not in self.marks and carries("HD-"):
            self.marks["first_page_painted"] = now
        if not self.open:
            return
        rows_id, top_id, cursor_id, visible = self.table_state()
        cursor_number = f"HD-{cursor_id:06d}" if cursor_id is not None else "HD-"
        for m in list(self.open):
            before = m["before"]
            if m["t_page"] is None and visible and (top_id, cursor_id) != before[1:3] and carries(cursor_number):
                m["t_page"] = now
            if m["t_rows"] is None and rows_id != before[0] and carries("HD-"):
                m["t_rows"] = now
            m["frames"] += 1
            if m["held"] and m["t_page"] is not None:
                self.finish(m)
        self.note("frame", top=top_id, cursor=cursor_id, visible=visible, tickets=carries("HD-"))

    def _queue_screen(self):  # type: ignore[no-untyped-def]
        """The queue screen once it is the app's screen (before go_home has returned)."""
        try:
            screen = self.app.screen if self.app is not None else None
        except Exception:  # no screen yet
            return None
        return screen if hasattr(screen, "first_page_shown") else None

    # ------------------------------------------------------- the queue
    def instrument_classes(self) -> None:
        """Time the queue's page reads and the table's rebuilds (wrappers, this process only)."""
        from helpdesk_tui.screens.queue import QueueScreen
        from helpdesk_tui.widgets.ticket_table import TicketTable

        if getattr(QueueScreen, "_bench_wrapped", False):
            return
        probe = self
        fetch, show_rows = QueueScreen._fetch, TicketTable.show_rows

        async def timed_fetch(screen, *args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            probe.note("fetch")
            probe.fetch_count += 1
            try:
                return await fetch(screen, *args, **kwargs)
            finally:
                probe.note("fetch_done")
                probe.spent("fetch_ms", (time.perf_counter() - t) * 1000)

        def timed_show_rows(table, *args, **kwargs):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            probe.note("show_rows")
            try:
                return show_rows(table, *args, **kwargs)
            finally:
                done = time.perf_counter()
                probe.note("show_rows_done")
                probe.marks.setdefault("first_rows", done)
                probe.spent("show_ms", (done - t) * 1000)

        QueueScreen._fetch = timed_fetch
        TicketTable.show_rows = timed_show_rows
        QueueScreen._bench_wrapped = True

    def spent(self, what: str, ms: float) -> None:
        if not self.open and "first_page_set" not in self.marks:
            (self.first_fetch_ms if what == "fetch_ms" else self.first_show_ms).append(ms)
        for m in self.open:
            m[what].append(ms)

    def queue_shown(self, app, screen) -> None:  # type: ignore[no-untyped-def]
        import asyncio

        self.app, self.screen = app, screen
        self.marks["queue_screen"] = time.perf_counter()
        compositor_refresh = screen._compositor_refresh

        def timed_compositor_refresh() -> None:
            self.note("render")
            compositor_refresh()

        screen._compositor_refresh = timed_compositor_refresh  # compose the frame, write it
        asyncio.get_running_loop().create_task(self._first_page())

    def watch_writes(self, app) -> None:  # type: ignore[no-untyped-def]
        """Keep what the driver is given between two frames (pty), for frame() to look at."""
        self.app = app
        driver = app._driver
        if driver is None or self.headless:
            return
        write = driver.write

        def watched_write(data: str) -> None:
            write(data)
            self.written.append(data)
            if "first_ticket_bytes" not in self.marks and "HD-" in data:
                self.marks["first_ticket_bytes"] = time.perf_counter()

        driver.write = watched_write

    async def _first_page(self) -> None:
        import asyncio
        import resource

        screen = self.screen
        await screen.first_page_shown.wait()
        self.marks["first_page_set"] = time.perf_counter()
        while "first_page_painted" not in self.marks:
            await asyncio.sleep(0.001)
        self.save_profile("start", again=True)
        self.report(
            ev="first_page", marks=self.marks, frames=self.frames, rows=len(screen.table.rows_shown),
            peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            fetch_ms=self.first_fetch_ms, show_ms=self.first_show_ms,
        )  # fmt: skip
        if self.headless:
            await self._drive()

    # ----------------------------------------------------------------- keys
    def key_received(self, key: str) -> bool:
        """False for the probe's own keys (kept from the app)."""
        import asyncio

        if self.screen is None or "first_page_set" not in self.marks:
            return True
        if key == "f12":  # the end of a held key: what was never painted is reported as lost
            for m in [m for m in self.open if m["held"]]:
                self.finish(m)
            self.report(ev="hold_end")
            self.hold_ended = True
            return False
        if key == "ctrl+q":
            self.save_profile("keys", again=False)
            self.note_pool()
            return True
        if self.profiler is not None and not self.profiler.is_running:
            self.profiler.start()
        held = key in HELD
        m = {
            "key": key, "held": held, "seq": self.held_seq if held else None,
            "t_recv": time.perf_counter(), "t_key": None, "t_page": None, "t_rows": None, "frames": 0,
            "before": self.table_state(), "timeline": [], "fetch_ms": [], "show_ms": [],
        }  # fmt: skip
        if held:
            self.held_seq += 1
        self.open.append(m)
        self.received += 1
        self.last_key = m
        if not held:
            asyncio.get_running_loop().create_task(self._settle(m))
        return True

    def note_pool(self) -> None:
        """The store's connection pool before quitting: every SQLite connection keeps its own
        page cache, so the connections opened bound that part of the memory."""
        try:
            pool = self.app.store.db.engine.sync_engine.pool
            self.marks_pool = {"status": pool.status(), "checkedin": pool.checkedin(), "overflow": pool.overflow()}
        except Exception as error:  # noqa: BLE001 - a figure, not a test
            self.marks_pool = {"error": repr(error)}

    async def _settle(self, m: dict) -> None:
        """A pressed key is over when its page is painted, no page is being read and no frame
        came for QUIET_S (the preview pane is read 80 ms after the cursor stops)."""
        import asyncio

        screen = self.screen
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            quiet = now - max(self.last_frame, m["t_recv"]) >= QUIET_S and not screen._window_busy
            if (quiet and m["t_page"] is not None) or now - m["t_recv"] > KEY_TIMEOUT_S:
                break
            if quiet and now - m["t_recv"] > 1.0:  # nothing moved: the end of the queue
                break
        self.finish(m)

    def finish(self, m: dict) -> None:
        import resource

        if m in self.open:
            self.open.remove(m)
        screen, table = self.screen, self.screen.table
        window = screen.window
        self.report(
            ev="key", key=m["key"], held=m["held"], seq=m["seq"], t_key=m["t_key"], t_recv=m["t_recv"],
            t_page=m["t_page"], t_rows=m["t_rows"], t_last=self.last_frame, frames=m["frames"],
            fetch_count=self.fetch_count,
            fetch_ms=m["fetch_ms"], show_ms=m["show_ms"], rows=len(table.rows_shown),
            position=window.position(table.cursor_row, screen.total) if window else None,
            total=screen.total, tab=screen.tab, timeline=m["timeline"],
            peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )  # fmt: skip
        m["done"] = True

    async def _drive(self) -> None:
        """Headless: no terminal to type into. The keys go to the driver as a terminal's would,
        each timed from the moment it is handed over."""
        import asyncio

        from textual import events

        app = self.app

        def send(name: str) -> dict | None:
            _, key, char = KEYS[name]
            event = events.Key(key, char)
            event.set_sender(app)
            t_key = time.perf_counter()
            count = self.received
            app._driver.send_message(event)
            return {"t_key": t_key, "count": count}

        async def sent(info: dict) -> dict:
            while self.received <= info["count"]:
                await asyncio.sleep(0.0005)
            m = self.last_key
            m["t_key"] = info["t_key"]
            return m

        for item in self.script:
            if item.startswith("hold:"):
                _, name, count = item.split(":")
                started = time.perf_counter()
                for i in range(int(count)):
                    await asyncio.sleep(max(0.0, started + i / HOLD_RATE - time.perf_counter()))
                    await sent(send(name))
                await asyncio.sleep(1.0)
                send("f12")
                while not self.hold_ended:
                    await asyncio.sleep(0.005)
                self.hold_ended = False
                continue
            m = await sent(send(item))
            while not m.get("done"):
                await asyncio.sleep(0.005)
        self.save_profile("keys", again=False)
        self.note_pool()
        self.report(ev="keys_done")
        app.exit(0)


def _observed_app(base, probe: Probe, headless: bool):  # type: ignore[no-untyped-def]
    from textual import events

    class ObservedApp(base):  # type: ignore[misc, valid-type]
        """The real app; it only tells the probe about frames, keys and the queue screen."""

        # Textual reads CSS_PATH next to the file of the class: point at the app's own.
        CSS_PATH = os.path.join(os.path.dirname(sys.modules[base.__module__].__file__), base.CSS_PATH)

        def post_display_hook(self) -> None:
            probe.frame()

        async def on_event(self, event: events.Event) -> None:
            # A key nobody handled bubbles back up to the app: count each key event once.
            if isinstance(event, events.Key) and not getattr(event, "_bench_seen", False):
                event._bench_seen = True
                if not probe.key_received(event.key):
                    return
            await super().on_event(event)

        def _start_store(self) -> None:
            probe.watch_writes(self)
            probe.marks.setdefault("store_start", time.perf_counter())
            super()._start_store()
            self.run_worker(self._bench_store_opened(), group="bench")

        async def _bench_store_opened(self) -> None:
            await self.store_ready.wait()
            probe.marks.setdefault("store_ready", time.perf_counter())

        async def sign_in(self, actor):  # type: ignore[no-untyped-def]
            probe.marks.setdefault("sign_in", time.perf_counter())
            await super().sign_in(actor)

        async def go_home(self) -> None:
            probe.instrument_classes()
            await super().go_home()
            from helpdesk_tui.screens.queue import QueueScreen

            if isinstance(self.screen, QueueScreen) and probe.screen is None:
                probe.queue_shown(self, self.screen)

        def run(self, **kwargs):  # type: ignore[no-untyped-def]
            if headless:
                kwargs.update(headless=True, size=SIZE)
            return super().run(**kwargs)

    return ObservedApp


def child_main(argv: list[str]) -> None:
    """The `helpdesk` command as installed, with the observing app class."""
    import json

    report_fd = int(os.environ["HD_BENCH_FD"])

    def report(**data: object) -> None:
        os.write(report_fd, (json.dumps(data) + "\n").encode())

    probe = Probe(
        report, os.environ.get("HD_BENCH_DRIVER") == "headless", json.loads(os.environ.get("HD_BENCH_KEYS", "[]")),
        os.environ.get("HD_BENCH_PROFILE"),
    )  # fmt: skip
    from helpdesk_tui.cli import main as cli_main  # what the `helpdesk` script imports

    import helpdesk_tui.app as app_module  # run_console imports it next

    probe.marks.update(start=T_START, imported=time.perf_counter())
    app_module.HelpdeskApp = _observed_app(app_module.HelpdeskApp, probe, probe.headless)  # type: ignore[misc]
    sys.argv = ["helpdesk", *argv]
    try:
        cli_main()
    except SystemExit:
        pass
    import resource

    report(ev="exit", peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, pool=probe.marks_pool)


# ============================================================ the parent: launch, type, collect


def _stats(values: list[float | None]) -> dict[str, float | int | None]:
    import math
    import statistics

    kept = sorted(v for v in values if v is not None)
    if not kept:
        return {"n": 0, "median": None, "p90": None, "min": None, "max": None}
    return {
        "n": len(kept), "median": round(statistics.median(kept), 1),
        "p90": round(kept[math.ceil(0.9 * len(kept)) - 1], 1),  # nearest rank
        "min": round(kept[0], 1), "max": round(kept[-1], 1),
    }  # fmt: skip


class Launch:
    """One console process on a pseudo-terminal; its output is drained, its reports queued."""

    def __init__(self, db_url: str, user: str, driver: str, script: list[str], profile_dir: str | None) -> None:
        import fcntl
        import json
        import pty
        import queue
        import struct
        import subprocess
        import termios
        import threading

        self.json = json
        self.reports: queue.Queue = queue.Queue()
        self.master, slave = pty.openpty()
        cols, rows = SIZE
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        report_r, report_w = os.pipe()
        env = {
            **os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "COLORTERM": "truecolor",
            "HELPDESK_CONFIG": os.devnull, "HD_BENCH_FD": str(report_w), "HD_BENCH_DRIVER": driver,
            "HD_BENCH_KEYS": json.dumps(script),
        }  # fmt: skip
        if profile_dir:
            env["HD_BENCH_PROFILE"] = profile_dir
        for name in ("HELPDESK_USER", "HELPDESK_DB", "HELPDESK_LANG", "TEXTUAL"):
            env.pop(name, None)
        self.output = bytearray()
        self.bytes_read = 0
        self.t_ticket_bytes: float | None = None  # when "HD-" first came out of the terminal
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--child", "--db", db_url, "--as", user],
            stdin=slave, stdout=slave, stderr=slave, pass_fds=(report_w,), env=env,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        os.close(report_w)
        self.threads = [
            threading.Thread(target=self._drain, daemon=True),
            threading.Thread(target=self._read_reports, args=(report_r,), daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _drain(self) -> None:
        """Read the terminal as fast as it is written (a full pty would block the console)."""
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            self.bytes_read += len(data)
            if self.t_ticket_bytes is None and b"HD-" in bytes(self.output[-8:]) + data:
                self.t_ticket_bytes = now
            self.output += data
            if len(self.output) > 1 << 20:
                del self.output[: len(self.output) - (1 << 19)]

    def _read_reports(self, fd: int) -> None:
        pending = b""
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                self.reports.put(None)
                os.close(fd)
                return
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self.reports.put(self.json.loads(line))

    def read_report(self, timeout: float) -> dict:
        import queue

        try:
            report = self.reports.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no report from the console within {timeout:.0f} s") from None
        if report is None:
            raise EOFError("the console exited:\n" + self.screen_tail())
        return report

    def press(self, name: str) -> float:
        t = time.perf_counter()
        os.write(self.master, KEYS[name][0])
        return t

    def finish(self) -> dict:
        """Quit with ctrl+q; the exit report and the child's own rusage (ru_maxrss via wait4)."""
        exit_report: dict = {}
        try:
            self.press("quit")
            while exit_report.get("ev") != "exit":
                exit_report = self.read_report(15)
        except (TimeoutError, EOFError, OSError):
            self.proc.kill()
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        for thread in self.threads:
            thread.join(2)
        os.close(self.master)
        return {"exit": exit_report, "returncode": self.proc.returncode, "maxrss_mb": usage.ru_maxrss / 1024}

    def screen_tail(self) -> str:
        import re

        text = self.output[-8000:].decode("utf-8", "replace")
        return re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07", "", text)[-3000:]


def run_launch(db_url: str, user: str, driver: str, script: list[str], profile_dir: str | None = None) -> dict:
    """Start the console, wait for the painted queue, play the key script, quit."""
    launch = Launch(db_url, user, driver, script, profile_dir)
    keys: list[dict] = []
    try:
        first = launch.read_report(120)
        if first.get("ev") != "first_page":
            raise RuntimeError(f"the console did not show the queue: {first}")
        if driver == "pty":
            for item in script:
                if item.startswith("hold:"):
                    keys.extend(_hold(launch, item))
                    continue
                t_key = launch.press(item)
                report = launch.read_report(KEY_TIMEOUT_S + 5)
                report["t_key"] = t_key
                keys.append(report)
        elif script:
            while (report := launch.read_report(KEY_TIMEOUT_S * (len(script) + 10)))["ev"] != "keys_done":
                if report["ev"] == "key":
                    keys.append(report)
    except Exception:
        launch.proc.kill()
        print(launch.screen_tail(), file=sys.stderr)
        raise
    end = launch.finish()
    return {"t0": launch.t0, "first": first, "keys": keys, "t_ticket_bytes": launch.t_ticket_bytes,
            "bytes": launch.bytes_read, **end}  # fmt: skip


def _hold(launch: Launch, item: str) -> list[dict]:
    """A held key: `count` presses at HOLD_RATE, not waiting for the screen; then F12 tells the
    probe to report what was never painted."""
    _, name, count = item.split(":")
    sent = []
    started = time.perf_counter()
    for i in range(int(count)):
        time.sleep(max(0.0, started + i / HOLD_RATE - time.perf_counter()))
        sent.append(launch.press(name))
    time.sleep(1.0)
    launch.press("f12")
    reports = []
    while (report := launch.read_report(KEY_TIMEOUT_S))["ev"] != "hold_end":
        reports.append(report)
    held = []
    for report in reports:
        if report.get("seq") is None:  # not one of the held keys: should not happen
            print("unexpected report during a held key:", report.get("key"), file=sys.stderr)
            continue
        report["t_key"] = sent[report["seq"]] if report["seq"] < len(sent) else None
        held.append(report)
    return held


def key_samples(launches: list[dict]) -> dict[str, list[dict]]:
    """Per kind of key: ms from the key to its page painted, to the painted new rows (when the
    window read a keyset page), the store reads and table rebuilds it caused."""
    out: dict[str, list[dict]] = {}
    for index, launch in enumerate(launches):
        for k in launch["keys"]:
            t_key = k["t_key"] or k["t_recv"]
            out.setdefault(KIND.get(k["key"], k["key"]), []).append({
                "page_ms": None if k["t_page"] is None else (k["t_page"] - t_key) * 1000,
                "rows_ms": None if k["t_rows"] is None else (k["t_rows"] - t_key) * 1000,
                "recv_ms": (k["t_recv"] - t_key) * 1000,
                "fetches": len(k["fetch_ms"]), "fetch_ms": sum(k["fetch_ms"]), "show_ms": sum(k["show_ms"]),
                "position": k["position"], "rows": k["rows"], "total": k["total"],
                "launch": index, "fetch_count": k["fetch_count"],
            })  # fmt: skip
    return out


def start_breakdown(launch: dict) -> dict[str, float]:
    marks, t0 = launch["first"]["marks"], launch["t0"]
    names = ("start", "imported", "first_frame", "store_start", "store_ready", "sign_in", "queue_screen",
             "first_rows", "first_page_set", "first_page_painted", "first_ticket_bytes")  # fmt: skip
    return {name: round((marks[name] - t0) * 1000, 1) for name in names if name in marks}


def python_baseline(repeat: int) -> dict[str, float]:
    """The interpreter alone, and with the modules the console imports before its first frame."""
    import statistics
    import subprocess

    out = {}
    for label, code in (("python -c pass", "pass"), ("python -c 'import helpdesk_tui.cli, helpdesk_tui.app'",
                                                     "import helpdesk_tui.cli, helpdesk_tui.app"),
                        ("python -c 'import helpdesk_tui.store'", "import helpdesk_tui.store")):  # fmt: skip
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            samples.append((time.perf_counter() - t) * 1000)
        out[label] = round(statistics.median(samples), 1)
    return out


# -------------------------------------------------------------------------- tmux cross-check


def tmux_check(db_url: str, user: str, presses: int = 5) -> dict | None:
    """The same command in a terminal emulator (tmux, 120x40): ms from `new-session` to a ticket
    number on the captured screen, then from PageDown to a new top row. Polled with capture-pane
    (each poll is a process, a few ms), so every figure is late by up to one poll."""
    import re
    import shlex
    import shutil
    import subprocess
    import uuid

    if shutil.which("tmux") is None:
        return None
    socket = f"hd-bench-{uuid.uuid4().hex[:8]}"
    helpdesk = os.path.join(os.path.dirname(sys.executable), "helpdesk")
    env = f"env HELPDESK_CONFIG={os.devnull} TERM=xterm-256color LANG=C.UTF-8"
    line = f"{env} {shlex.quote(helpdesk)} --db {shlex.quote(db_url)} --as {shlex.quote(user)}; sleep 60"

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, check=False).stdout

    def top_row(screen: str) -> str | None:
        for row in screen.splitlines()[3:]:
            found = re.search(r"HD-\d+", row[:70])  # the table, not the preview on the right
            if found:
                return found.group()
        return None

    result: dict = {"keys_ms": []}
    try:
        # What tmux itself costs: a session whose command prints a ticket number at once.
        t0 = time.perf_counter()
        tmux("-f", os.devnull, "new-session", "-d", "-s", "c", "-x", str(SIZE[0]), "-y", str(SIZE[1]),
             "printf '\\n\\n\\n    HD-000001\\n'; sleep 60")  # fmt: skip
        while time.perf_counter() - t0 < 10:
            if top_row(tmux("capture-pane", "-p", "-t", "c")):
                result["tmux_itself_ms"] = (time.perf_counter() - t0) * 1000
                break
            time.sleep(0.002)
        tmux("kill-session", "-t", "c")
        t0 = time.perf_counter()
        tmux("-f", os.devnull, "new-session", "-d", "-s", "b", "-x", str(SIZE[0]), "-y", str(SIZE[1]), line)
        screen = ""
        while time.perf_counter() - t0 < 60:
            screen = tmux("capture-pane", "-p", "-t", "b")
            if top_row(screen):
                result["start_ms"] = (time.perf_counter() - t0) * 1000
                break
            time.sleep(0.002)
        else:
            result["error"] = "no ticket on screen within 60 s:\n" + screen
            return result
        time.sleep(1.0)
        tmux("send-keys", "-t", "b", "h")  # the All tab, as in the pty script
        time.sleep(1.0)
        for _ in range(presses):
            before = top_row(tmux("capture-pane", "-p", "-t", "b"))
            t = time.perf_counter()
            tmux("send-keys", "-t", "b", "PageDown")
            while time.perf_counter() - t < 5:
                now_top = top_row(tmux("capture-pane", "-p", "-t", "b"))
                if now_top and now_top != before:
                    result["keys_ms"].append((time.perf_counter() - t) * 1000)
                    break
                time.sleep(0.001)
            time.sleep(0.4)
    finally:
        tmux("kill-server")
    return result


# ---------------------------------------------------------------------------- orchestration


def ensure_databases(sizes: list[int], workdir, *, reuse: bool) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """bench_store's seeder, in its own subprocesses; a database in workdir seeded with the same
    size and seed version is reused."""
    import argparse

    import bench_store

    ns = argparse.Namespace(
        backend="sqlite", repeat=1, creates=0, workdir=str(workdir), pg_url=bench_store.PG_URL,
        explain=False, no_analyze=False, keep_db=True,
    )  # fmt: skip
    paths = {}
    for size in sizes:
        target = bench_store.Target("sqlite", size, workdir)
        marker = (bench_store.run_worker(ns, "marker", size, workdir)["marker"] or {}) if reuse else {}
        if reuse and all(marker.get(k) == v for k, v in bench_store.marker_for(size, True).items()):
            print(f"== {size:,}: reusing {target.path}", flush=True)
        else:
            print(f"== {size:,}: seeding {target.path}", flush=True)
            seeded = bench_store.run_worker(ns, "seed", size, workdir)
            print(f"   seeded in {seeded['seconds']:.1f} s", flush=True)
        paths[size] = str(target.path)
    return paths


def default_script(presses: int, hold: int) -> list[str]:
    """h: from the New tab to All. PageDown `presses` times, one at a time, each after the
    screen settled (every third or so makes the window read the next keyset page). G: the end
    (the reversed first page); PageUp from there; g: the top. Then ↓ held for `hold` rows."""
    script = ["h", *["pagedown"] * presses, "G", *["pageup"] * 5, "g"]
    return script + ([f"hold:down:{hold}"] if hold else [])


def bench_size(size: int, db_path: str, args) -> dict:  # type: ignore[no-untyped-def]
    db_url = f"sqlite:///{db_path}"
    script = default_script(args.presses, args.hold)
    load = [os.getloadavg()[0]]
    print(f"== {size:,}: {args.repeat} launches ({args.driver}), load {load[0]:.2f}", flush=True)
    run_launch(db_url, AREA_USER, args.driver, [])  # warm-up (file cache, bytecode), not counted
    launches = []
    for index in range(args.repeat):
        launch = run_launch(db_url, AREA_USER, args.driver, script if index < args.key_launches else [])
        launches.append(launch)
        b = start_breakdown(launch)
        print(f"   launch {index + 1}: queue painted at {b['first_page_painted']:.0f} ms, "
              f"{len(launch['keys'])} keys, peak {launch['maxrss_mb']:.0f} MB, load {os.getloadavg()[0]:.2f}",
              flush=True)  # fmt: skip
    load.append(os.getloadavg()[0])
    tmux = None if args.no_tmux else tmux_check(db_url, AREA_USER)
    load.append(os.getloadavg()[0])
    if args.profile:  # one more launch under pyinstrument; its figures are not counted
        folder = os.path.join(os.path.abspath(args.profile), str(size))
        os.makedirs(folder, exist_ok=True)
        run_launch(db_url, AREA_USER, args.driver, script, folder)
        print(f"   profiles: {folder}/start.txt, keys.txt (and -flat.txt, .pyisession)", flush=True)
    starts = [start_breakdown(launch) for launch in launches]
    return {
        "size": size, "driver": args.driver, "db": db_path,
        "start_ms": _stats([s["first_page_painted"] for s in starts]),
        "start_tty_bytes_ms": _stats([(l["t_ticket_bytes"] - l["t0"]) * 1000 for l in launches if l["t_ticket_bytes"]]),
        "breakdown": {name: _stats([s.get(name) for s in starts]) for name in starts[0]},
        "first_page": {"rows": launches[0]["first"]["rows"], "fetch_ms": launches[0]["first"]["fetch_ms"],
                       "show_ms": launches[0]["first"]["show_ms"]},
        "keys": key_samples(launches),
        "peak_mb": max(l["maxrss_mb"] for l in launches),
        "peak_mb_first_page": max(l["first"]["peak_mb"] for l in launches),
        "tmux": tmux, "load": [round(x, 2) for x in load], "launches": launches,
    }  # fmt: skip


def summarise_keys(r: dict) -> dict[str, dict]:
    keys = r["keys"]
    pgdn = keys.get("pagedown", [])
    boundary = [s for s in pgdn if s["fetches"]]
    held = keys.get("held_down", [])
    return {
        "pagedown": _stats([s["page_ms"] for s in pgdn]),
        "pagedown_recv": _stats([s["recv_ms"] for s in pgdn]),
        "boundary_page": _stats([s["page_ms"] for s in boundary]),
        "boundary_rows": _stats([s["rows_ms"] for s in boundary]),
        "boundary_fetch": _stats([s["fetch_ms"] for s in boundary]),
        "boundary_show": _stats([s["show_ms"] for s in boundary]),
        "held": _stats([s["page_ms"] for s in held]),
        "held_recv": _stats([s["recv_ms"] for s in held]),
        "held_lost": {"n": sum(1 for s in held if s["page_ms"] is None)},
        "held_pages": {"n": _pages_read(held)},
        "tab": _stats([s["page_ms"] for s in keys.get("tab", [])]),
        "tab_fetch": _stats([s["fetch_ms"] for s in keys.get("tab", [])]),
        "tab_show": _stats([s["show_ms"] for s in keys.get("tab", [])]),
        "end": _stats([s["page_ms"] for s in keys.get("end", [])]),
        "end_fetch": _stats([s["fetch_ms"] for s in keys.get("end", [])]),
        "end_show": _stats([s["show_ms"] for s in keys.get("end", [])]),
        "pageup": _stats([s["page_ms"] for s in keys.get("pageup", [])]),
        "top": _stats([s["page_ms"] for s in keys.get("top", [])]),
        "top_fetch": _stats([s["fetch_ms"] for s in keys.get("top", [])]),
    }


def _pages_read(samples: list[dict]) -> int:
    """Queue pages read while the key was held (all launches)."""
    by_launch: dict[int, list[int]] = {}
    for s in samples:
        by_launch.setdefault(s["launch"], []).append(s["fetch_count"])
    return sum(max(counts) - min(counts) for counts in by_launch.values())


def fmt(value: float | None, aim: float | None = None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" + ("!" if aim is not None and value > aim else "")


def details(r: dict) -> str:
    k = summarise_keys(r)
    b = r["breakdown"]
    lines = [f"-- {r['size']:,} tickets ({r['driver']}), {r['start_ms']['n']} launches; 1-min load average "
             f"{r['load'][0]:.2f} before, {r['load'][1]:.2f} after the launches, {r['load'][2]:.2f} at the end; "
             f"{os.cpu_count()} CPUs"]  # fmt: skip
    lines.append("   start, ms after Popen (medians): " + ", ".join(f"{n} {v['median']:.0f}" for n, v in b.items() if v["n"]))
    lines.append(f"   start -> painted queue: median {fmt(r['start_ms']['median'])}, min {fmt(r['start_ms']['min'])}, "
                 f"max {fmt(r['start_ms']['max'])}"
                 + (f"; 'HD-' read from the terminal by this process: median {fmt(r['start_tty_bytes_ms']['median'])}"
                    if r["start_tty_bytes_ms"]["n"] else ""))  # fmt: skip
    fp = r["first_page"]
    lines.append(f"   first page: {fp['rows']} rows; queue page reads {[round(x, 1) for x in fp['fetch_ms']]} ms; "
                 f"table.show_rows {[round(x, 1) for x in fp['show_ms']]} ms")  # fmt: skip
    rows = (
        ("PageDown (one at a time) -> page painted", "pagedown"),
        ("  key bytes -> Key event in the app", "pagedown_recv"),
        ("  presses that read a keyset page -> page painted", "boundary_page"),
        ("    -> frame after the new page went in", "boundary_rows"),
        ("    queue page read (store)", "boundary_fetch"),
        ("    table.show_rows (rebuild)", "boundary_show"),
        (f"↓ held ({HOLD_RATE:.0f}/s) -> cursor row painted", "held"),
        ("  key bytes -> Key event in the app", "held_recv"),
        ("h (tab New -> All) -> painted", "tab"), ("  queue page read", "tab_fetch"), ("  table.show_rows", "tab_show"),
        ("G (end) -> painted", "end"), ("  queue page read", "end_fetch"), ("  table.show_rows", "end_show"),
        ("PageUp from the end -> painted", "pageup"),
        ("g (top) -> painted", "top"), ("  queue page read", "top_fetch"),
    )  # fmt: skip
    for label, key in rows:
        s = k[key]
        if s["n"]:
            lines.append(f"   {label:<50} n={s['n']:<4} median {s['median']:>6.1f}  p90 {s['p90']:>6.1f}  max {s['max']:>6.1f}")
    if k["held"]["n"] or k["held_lost"]["n"]:
        lines.append(f"   ↓ held: {k['held_pages']['n']} keyset pages read, {k['held_lost']['n']} presses never painted")
    pools = [l["exit"].get("pool") for l in r["launches"] if l["keys"] and l["exit"].get("pool")]
    lines.append(f"   peak memory (ru_maxrss): {r['peak_mb_first_page']:.0f} MB at the first page, {r['peak_mb']:.0f} MB at exit"
                 + (f"; store pool at quit: {pools[0].get('status', pools[0])}" if pools else ""))
    t = r.get("tmux")
    if t:
        if "error" in t:
            lines.append("   tmux: " + t["error"])
        else:
            ks = _stats(t["keys_ms"])
            lines.append(f"   tmux cross-check (polled capture-pane): start -> ticket on screen {t['start_ms']:.0f} ms "
                         f"(tmux and a shell alone: {fmt(t.get('tmux_itself_ms'))} ms); "
                         f"PageDown -> new top row median {fmt(ks['median'])} ms, max {fmt(ks['max'])} (n={ks['n']})")  # fmt: skip
    return "\n".join(lines)


def table(results: list[dict]) -> str:
    head = ("size", "start->queue ms", "PgDn->page med/p90", "PgDn reading a page", "↓ held med/p90/max",
            "h tab", "G end", "peak MB", "load")  # fmt: skip
    rows = []
    for r in results:
        k = summarise_keys(r)
        held = k["held"]
        rows.append((
            f"{r['size']:,}", fmt(r["start_ms"]["median"], AIM_START_MS),
            f"{fmt(k['pagedown']['median'], AIM_KEY_MS)} / {fmt(k['pagedown']['p90'], AIM_KEY_MS)}",
            f"{fmt(k['boundary_page']['median'], AIM_KEY_MS)} (new page in {fmt(k['boundary_rows']['median'])})",
            f"{fmt(held['median'], AIM_KEY_MS)} / {fmt(held['p90'], AIM_KEY_MS)} / {fmt(held['max'], AIM_KEY_MS)}",
            fmt(k["tab"]["median"], AIM_KEY_MS), fmt(k["end"]["median"], AIM_KEY_MS),
            fmt(r["peak_mb"], AIM_PEAK_MB), f"{r['load'][0]:.1f}-{r['load'][1]:.1f}",
        ))  # fmt: skip
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(len(head))]
    out = [" | ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in [head, *rows]]
    out.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(out)


def main() -> None:
    import argparse
    import json
    import shutil
    import tempfile
    from datetime import datetime
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma list; k and M suffixes allowed")
    parser.add_argument("--repeat", type=int, default=5, help="measured launches per size (after one warm-up)")
    parser.add_argument("--presses", type=int, default=20, help="PageDown presses, one at a time")
    parser.add_argument("--hold", type=int, default=150, help=f"↓ presses at {HOLD_RATE:.0f}/s (0: none)")
    parser.add_argument("--key-launches", type=int, default=1, help="how many of the launches also play the keys")
    parser.add_argument("--driver", choices=("pty", "headless"), default="pty",
                        help="pty: Textual's terminal driver on a pseudo-terminal (default); headless: its "
                             "headless driver, frames composed but no escape sequences made or written")  # fmt: skip
    parser.add_argument("--keep", metavar="DIR", help="keep the databases in DIR and reuse them next time")
    parser.add_argument("--profile", metavar="DIR", help="one more launch per size under pyinstrument; reports in DIR")
    parser.add_argument("--no-tmux", action="store_true", help="skip the cross-check in tmux")
    args = parser.parse_args()

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_store import parse_sizes

    sizes = parse_sizes(args.sizes)
    workdir = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="hd-console-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        paths = ensure_databases(sizes, workdir, reuse=bool(args.keep))
        baseline = python_baseline(5)
        for size in sizes:
            results.append(bench_size(size, paths[size], args))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print()
    print("   interpreter baseline (median of 5): " + ", ".join(f"{k} {v:.0f} ms" for k, v in baseline.items()))
    for r in results:
        print(details(r))
    print()
    print(f"SQLite, {SIZE[0]}x{SIZE[1]} {args.driver}, as {AREA_USER}; start = median of {args.repeat} launches; "
          f"keys on the All tab, ms from the key's bytes to the frame written. Aims: start < {AIM_START_MS:.0f} ms, "
          f"key < {AIM_KEY_MS:.0f} ms, peak < {AIM_PEAK_MB:.0f} MB ('!' marks a miss).")  # fmt: skip
    print(table(results))
    out_dir = Path(__file__).resolve().parent / "out"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"console-{args.driver}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps({"baseline": baseline, "results": results}, indent=1, default=str))
    print(f"\nresults: {out}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
    else:
        main()
