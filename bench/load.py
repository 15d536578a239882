"""The load side of bench/checkin_load.py: gunicorn, the HTTP clients (closed and open loop),
CPU accounting by process group, and percentiles.

Closed loop: ``clients`` threads each send their next request as soon as the previous answer
arrives, so the server always has that many in flight; the rate is what the server sustains
(its capacity), and the latency grows with the queue (Little's law).

Open loop: requests are due at a fixed rate (request ``i`` at ``start + i / rate``), whatever
the server does; a pool of threads sends each when it is due, and its latency is measured from
the time it was due, not from when a thread got round to it, so waiting behind a slow server
counts (no "coordinated omission"). That is the latency a phone sees at that arrival rate.
"""

import http.client
import itertools
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from bench.harness import HOST, REPO_ROOT, SERVER_URL

REQUEST_TIMEOUT_S = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- CPU by process group ---------------------------------------------------------------------


def _proc_stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 of proc(5), the state; ppid is field 4, utime 14, stime 15.
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child_pids(parent: int) -> list[str]:
    children = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(entry.name)
            if stat is not None and stat[0] == parent:
                children.append(entry.name)
    return sorted(children)


def machine_ticks() -> tuple[float, float, float]:
    """CPU seconds of the whole machine so far: busy, stolen by the hypervisor, total."""
    # user nice system idle iowait irq softirq steal (guest time is already in user).
    line = Path("/proc/stat").read_text().split("\n", 1)[0]
    ticks = [int(value) for value in line.split()[1:9]]
    idle, steal = ticks[3] + ticks[4], ticks[7]
    total = sum(ticks)
    return (total - idle - steal) / CLOCK_TICKS, steal / CLOCK_TICKS, total / CLOCK_TICKS


def machine_busy_share(seconds: float = 1.0) -> float:
    before = machine_ticks()
    time.sleep(seconds)
    busy, _, total = (after - first for after, first in zip(machine_ticks(), before, strict=True))
    return busy / total if total else math.nan


def _client_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU seconds spent during a run by gunicorn's workers, by the PostgreSQL processes of the
    benchmark's database (plus the server's background processes: WAL writer, checkpointer...),
    by this process (the load generator) and by the whole machine.

    Processes are sampled every half second, so a backend that exits mid-run keeps its last
    reading; one that starts mid-run counts whole.
    """

    INTERVAL_S = 0.5

    def __init__(self, gunicorn_pid: int, database: str) -> None:
        self.gunicorn_pid = gunicorn_pid
        self.database = database
        self.first: dict[str, dict[str, float]] = {"workers": {}, "postgres": {}}
        self.last: dict[str, dict[str, float]] = {"workers": {}, "postgres": {}}
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _postgres_pids(self, conn: psycopg.Connection) -> list[str]:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
            "AND (datname = %s OR backend_type <> 'client backend')",
            (self.database,),
        ).fetchall()
        return [str(pid) for (pid,) in rows]

    def _sample(self, conn: psycopg.Connection, baseline: bool = False) -> None:
        for group, pids in (
            ("workers", child_pids(self.gunicorn_pid)),
            ("postgres", self._postgres_pids(conn)),
        ):
            for pid in pids:
                stat = _proc_stat(pid)
                if stat is None:
                    continue
                if baseline:
                    self.first[group][pid] = stat[1]
                self.last[group][pid] = stat[1]

    def _run(self) -> None:
        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
            self._sample(conn, baseline=True)
            self.machine_before, self.client_before = machine_ticks(), _client_seconds()
            self._started.set()
            while not self._stop.wait(self.INTERVAL_S):
                self._sample(conn)
            self._sample(conn)
            self.machine_after, self.client_after = machine_ticks(), _client_seconds()

    def __enter__(self) -> "CpuMeter":
        self._thread.start()
        self._started.wait(10)
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(10)

    def seconds(self, group: str) -> float:
        first, last = self.first[group], self.last[group]
        return sum(seconds - first.get(pid, 0.0) for pid, seconds in last.items())

    def per_request(self, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request by group, and the machine's busy and stolen shares."""
        per_request = 1000 / max(1, requests)
        busy, steal, total = (
            after - before
            for after, before in zip(self.machine_after, self.machine_before, strict=True)
        )
        cpu = {
            "gunicorn": self.seconds("workers") * per_request,
            "postgres": self.seconds("postgres") * per_request,
            "client": (self.client_after - self.client_before) * per_request,
            "machine": busy * per_request,
            "busy_share": busy / total if total else math.nan,
            "steal_share": steal / total if total else math.nan,
        }
        cpu["ours"] = cpu["gunicorn"] + cpu["postgres"] + cpu["client"]
        cpu["other"] = cpu["machine"] - cpu["ours"]
        return cpu


# --- gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_gunicorn(env: dict[str, str], workers: int, log_dir: Path) -> Server:
    port = free_port()
    log = log_dir / "gunicorn.log"
    command = [
        *("gunicorn", "bench.floor_app:application", "--workers", str(workers)),
        *("--bind", f"{HOST}:{port}", "--log-level", "warning"),
    ]
    print(f"Starting {' '.join(command)} (sync workers)", flush=True)
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", *command],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{server.log_tail()}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise SystemExit(f"gunicorn did not answer /healthz within 30 s:\n{server.log_tail()}")


def stop_gunicorn(server: Server) -> None:
    if server.process.poll() is not None:
        return
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


# --- clients ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Phase:
    """What one run of requests measured."""

    sent: int = 0
    elapsed_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    unsent: int = 0
    worst_start_delay_ms: float = 0.0  # open loop: how late the latest request was sent

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 201) + self.unsent

    @property
    def rps(self) -> float:
        return self.sent / self.elapsed_s if self.elapsed_s else 0.0

    def percentile_ms(self, fraction: float) -> float:
        return percentile_ms(self.latencies_s, fraction)


def percentile_ms(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return 1000 * ordered[min(rank, len(ordered)) - 1]


def _send(conn: http.client.HTTPConnection, request: Request) -> tuple[int, bytes]:
    try:
        conn.request("POST", request.path, request.body, request.headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return 0, repr(exc).encode()


def _collect(results: list, elapsed_s: float) -> Phase:
    phase = Phase(elapsed_s=elapsed_s)
    for result in results:
        if result is None:
            phase.unsent += 1
            continue
        latency, status, data = result
        phase.sent += 1
        phase.latencies_s.append(latency)
        phase.statuses[status] = phase.statuses.get(status, 0) + 1
        if status != 201 and len(phase.error_samples) < 5:
            phase.error_samples.append(f"{status}: {data[:300].decode(errors='replace')}")
    if phase.unsent:
        phase.error_samples.append(f"{phase.unsent} requests not sent: out of the time budget")
    return phase


def closed_loop(port: int, requests: list[Request], clients: int, deadline: float) -> Phase:
    """Send ``requests`` from ``clients`` threads, each with its own connection (reopened when
    the server closes it, which gunicorn's sync workers do after every response). No request
    starts after ``deadline`` (``time.monotonic()``)."""
    results: list[tuple[float, int, bytes] | None] = [None] * len(requests)
    counter = itertools.count()
    gate = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        gate.wait()
        while (index := next(counter)) < len(requests) and time.monotonic() < deadline:
            started = time.perf_counter()
            status, data = _send(conn, requests[index])
            results[index] = (time.perf_counter() - started, status, data if status != 201 else b"")
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT_S + 5)
    return _collect(results, time.perf_counter() - started)


def open_loop(port: int, requests: list[Request], rate: float, threads: int) -> Phase:
    """Request ``i`` is due at ``start + i / rate``; ``threads`` senders take them in order, wait
    until each is due (if it is not late already) and send it; its latency runs from when it
    was due. Too few threads would show as lateness: the report gives the worst start delay."""
    results: list[tuple[float, int, bytes] | None] = [None] * len(requests)
    counter = itertools.count()
    late: list[float] = []
    gate = threading.Barrier(threads + 1)
    start = [0.0]

    def sender() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
        gate.wait()
        worst = 0.0
        while (index := next(counter)) < len(requests):
            due = start[0] + index / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            worst = max(worst, time.perf_counter() - due)
            status, data = _send(conn, requests[index])
            results[index] = (time.perf_counter() - due, status, data if status != 201 else b"")
        late.append(worst)
        conn.close()

    pool = [threading.Thread(target=sender, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    start[0] = time.perf_counter() + 0.05
    gate.wait()
    for thread in pool:
        thread.join(len(requests) / rate + REQUEST_TIMEOUT_S + 10)
    phase = _collect(results, time.perf_counter() - start[0])
    phase.worst_start_delay_ms = 1000 * max(late, default=0.0)
    return phase
