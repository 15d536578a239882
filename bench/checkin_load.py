"""Load test of the GPS check-in (``POST /api/v1/checkins/``) under gunicorn on PostgreSQL.

Not a test: it prints figures. It creates a fresh database on the local PostgreSQL server,
migrates it, seeds a council, venues a few tens of metres apart and residents with JWT access
tokens, then serves ``bench.floor_app`` (the project's application plus the floor endpoints)
with gunicorn, sync workers, and drives it from concurrent HTTP clients, a fixed number of
requests each time after a warm-up: first the floor, a bare Django view doing one INSERT, then
the same INSERT without Django's request handling (for reference), then the check-in. Every
check-in is one the API accepts (201): each request is its own (resident, venue) pair, with a
GPS fix at the venue, accuracy 10 m. It prints requests/s, latency percentiles and the CPU each
request cost, per process group. The database, gunicorn and the Redis throttle counters (db 14)
are all cleaned up at the end.

Run from the repository root::

    .venv/bin/python bench/checkin_load.py [--requests 4000] [--clients 16] [--workers 2]

The client runs on the same machine as gunicorn and PostgreSQL and takes its share of the CPU:
the figures are those of the whole machine, not of the server alone. Gunicorn's sync workers
close the connection after every response, so each request opens a new TCP connection.
"""

import argparse
import http.client
import itertools
import json
import math
import os
import platform
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import psycopg
import redis
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/14"
HOST = "127.0.0.1"
CHECKIN_PATH = "/api/v1/checkins/"
FLOOR_PATH = "/bench/floor"  # bench/floor_app.py
RAW_FLOOR_PATH = "/bench/raw-floor"
FLOOR_TARGET = "floor (Django view, 1 INSERT)"
CHECKIN_TARGET = "check-in (GPS)"

# Venues sit within VENUE_SPREAD_M of one point, each with a 100 m radius: any two are closer
# than the sum of their radii, so no pair of check-ins is ever impossible travel.
CENTRE = (51.536387, 0.079994)  # Barking Town Square
VENUE_SPREAD_M = 70.0
VENUE_RADIUS_M = 100
ACCURACY_M = 10.0
SEED = 20251125
HISTORY_DAYS = 60  # seeded past check-ins are 1 to 60 days old: outside every cooldown

AIM_RATIO = 0.5
AIM_P99_MS = 50.0
REQUEST_TIMEOUT_S = 30.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requests", type=int, default=4000, help="timed requests per target (%(default)s)"
    )
    parser.add_argument(
        "--clients", type=int, default=16, help="concurrent HTTP clients (%(default)s)"
    )
    parser.add_argument(
        "--warmup", type=int, default=200, help="untimed requests before each target (%(default)s)"
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn sync workers (%(default)s)"
    )
    parser.add_argument("--venues", type=int, default=300, help="venues seeded (%(default)s)")
    parser.add_argument(
        "--time-budget",
        type=float,
        default=360.0,
        help="seconds for all the load phases together; requests not sent by then count as "
        "errors (%(default)s)",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=10,
        help="past check-ins seeded per resident, 1 to 60 days old (%(default)s)",
    )
    args = parser.parse_args()
    if min(args.requests, args.clients, args.workers, args.venues) < 1:
        parser.error("--requests, --clients, --workers and --venues must be positive")
    if args.warmup < 0 or args.history < 0:
        parser.error("--warmup and --history cannot be negative")
    return args


# --- the machine ----------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def _machine_ticks() -> tuple[float, float, float]:
    """CPU seconds of the whole machine so far: busy, stolen by the hypervisor, total."""
    # user nice system idle iowait irq softirq steal (guest time is already in user).
    line = Path("/proc/stat").read_text().split("\n", 1)[0]
    ticks = [int(value) for value in line.split()[1:9]]
    idle, steal = ticks[3] + ticks[4], ticks[7]
    total = sum(ticks)
    return (total - idle - steal) / CLOCK_TICKS, steal / CLOCK_TICKS, total / CLOCK_TICKS


def machine_busy_share(seconds: float = 1.0) -> float:
    before = _machine_ticks()
    time.sleep(seconds)
    busy, _, total = (after - first for after, first in zip(_machine_ticks(), before, strict=True))
    return busy / total if total else math.nan


def _client_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """CPU seconds spent during a run by gunicorn's workers, by the PostgreSQL processes of the
    benchmark's database (plus the server's background processes: WAL writer, checkpointer...),
    by this process (the load generator) and by the whole machine.

    Processes are sampled every half second, so a backend that exits mid-run (Django reopens
    its connection after CONN_MAX_AGE) keeps its last reading; one that starts mid-run counts
    whole.
    """

    INTERVAL_S = 0.5

    def __init__(self, gunicorn_pid: int, database: str) -> None:
        self.gunicorn_pid = gunicorn_pid
        self.database = database
        self.first: dict[str, dict[str, float]] = {"workers": {}, "postgres": {}}
        self.last: dict[str, dict[str, float]] = {"workers": {}, "postgres": {}}
        self._stop = threading.Event()
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
            self.machine_before, self.client_before = _machine_ticks(), _client_seconds()
            self._started.set()
            while not self._stop.wait(self.INTERVAL_S):
                self._sample(conn)
            self._sample(conn)
            self.machine_after, self.client_after = _machine_ticks(), _client_seconds()

    def __enter__(self) -> "CpuMeter":
        self._started = threading.Event()
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


# --- database, Redis and environment --------------------------------------------------------


def create_database(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def server_facts() -> dict[str, str]:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        facts = {"version": conn.execute("SELECT version()").fetchone()[0]}
        for setting in ("synchronous_commit", "fsync", "shared_buffers", "max_connections"):
            facts[setting] = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(setting)))
            facts[setting] = facts[setting].fetchone()[0]
    return facts


def flush_redis() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    finally:
        client.close()


def bench_env(database: str) -> dict[str, str]:
    """The environment of migrate, the seeding (this process) and gunicorn: production
    settings (DEBUG off), with the throttles raised out of the way and long-lived tokens."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="backend.settings",
        DATABASE_URL=f"{SERVER_URL}/{database}",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        JWT_SIGNING_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        DB_CONN_MAX_AGE="60",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="bench-checkin",
        JWT_ACCESS_MINUTES=str(24 * 60),
        THROTTLE_USER="1000000/min",
        THROTTLE_ANON="1000000/min",
        THROTTLE_CHECKINS="1000000/min",
        LOG_LEVEL="WARNING",
    )
    return env


def migrate(env: dict[str, str]) -> float:
    started = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=REPO_ROOT,
            env=env,
            check=True,
            timeout=120,
        )
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"manage.py migrate failed (exit {exc.returncode}), see above") from exc
    return time.perf_counter() - started


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


# --- seeding --------------------------------------------------------------------------------


@dataclass
class Seed:
    venues: list[tuple[str, float, float]]  # (id, latitude, longitude)
    tokens: list[str]  # one access token per resident

    def checkin_body(self, index: int) -> tuple[bytes, str]:
        """The body and the token of check-in number ``index`` (warm-up included): resident
        ``index % R`` at venue ``index // R + its own offset``, so that no (resident, venue)
        pair repeats while ``index < R * V`` and the clients in flight hit different venues."""
        residents = len(self.tokens)
        resident = index % residents
        venue_id, latitude, longitude = self.venues[
            (index // residents + resident) % len(self.venues)
        ]
        body = {
            "venue": venue_id,
            "latitude": latitude,
            "longitude": longitude,
            "accuracy_m": ACCURACY_M,
        }
        return json.dumps(body).encode(), self.tokens[resident]


def offset_point(rng: random.Random, spread_m: float) -> tuple[float, float]:
    """A random point within ``spread_m`` of CENTRE (uniform over the disc)."""
    distance = spread_m * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    latitude = CENTRE[0] + distance * math.cos(bearing) / 111_320
    longitude = CENTRE[1] + distance * math.sin(bearing) / (
        111_320 * math.cos(math.radians(CENTRE[0]))
    )
    return latitude, longitude


def seed(venue_count: int, resident_count: int, history: int) -> Seed:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from checkins.models import CheckIn, CheckinMethod
    from venues.models import Council, Venue

    rng = random.Random(SEED)
    council = Council.objects.create(slug="bench-council", name="Bench Council")
    points = [offset_point(rng, VENUE_SPREAD_M) for _ in range(venue_count)]
    venues = Venue.objects.bulk_create(
        Venue(
            council=council,
            name=f"Bench Library {i:04d}",
            slug=f"bench-library-{i:04d}",
            category=Venue.Category.LIBRARY,
            address=f"{i + 1} Town Square, Barking",
            postcode="IG11 7NB",
            latitude=latitude,
            longitude=longitude,
            radius_m=VENUE_RADIUS_M,
        )
        for i, (latitude, longitude) in enumerate(points)
    )
    unusable = make_password(None)
    residents = User.objects.bulk_create(
        User(
            email=f"resident{i:05d}@bench.example.org",
            display_name=f"Resident {i}",
            password=unusable,
        )
        for i in range(resident_count)
    )
    now = timezone.now()
    past = [
        CheckIn(
            resident=resident,
            venue=venue,
            method=CheckinMethod.GPS,
            distance_m=0.0,
            latitude=venue.latitude,
            longitude=venue.longitude,
            accuracy_m=ACCURACY_M,
            created_at=now - timedelta(seconds=rng.uniform(86_400, HISTORY_DAYS * 86_400)),
        )
        for resident in residents
        for venue in rng.choices(venues, k=history)
    ]
    CheckIn.objects.bulk_create(past, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL)"
        )
        cursor.execute("ANALYZE")
    return Seed(
        venues=[(str(venue.pk), venue.latitude, venue.longitude) for venue in venues],
        tokens=[str(AccessToken.for_user(resident)) for resident in residents],
    )


# --- gunicorn -------------------------------------------------------------------------------


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
    print(f"Starting {' '.join(command)} (sync workers, DB_CONN_MAX_AGE=60)", flush=True)
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


# --- the load generator ---------------------------------------------------------------------


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

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 201) + self.unsent


def run_phase(port: int, requests: list[Request], clients: int, deadline: float) -> Phase:
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
            request = requests[index]
            started = time.perf_counter()
            try:
                conn.request("POST", request.path, request.body, request.headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, data = 0, repr(exc).encode()
            results[index] = (time.perf_counter() - started, status, data if status != 201 else b"")
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()) + REQUEST_TIMEOUT_S + 5)
    phase = Phase(elapsed_s=time.perf_counter() - started)
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


def percentile_ms(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return 1000 * ordered[min(rank, len(ordered)) - 1]


@dataclass
class TargetResult:
    name: str
    phase: Phase
    cpu: dict[str, float]  # CpuMeter.per_request
    accepted: int  # 201s, warm-up included

    @property
    def rps(self) -> float:
        return self.phase.sent / self.phase.elapsed_s if self.phase.elapsed_s else 0.0


def measure(
    name: str,
    server: Server,
    build,
    args: argparse.Namespace,
    database: str,
    deadline: float,
) -> TargetResult:
    """Warm up, then time ``args.requests`` requests; ``build(i)`` makes request number i."""
    warmup = [build(i) for i in range(args.warmup)]
    timed = [build(args.warmup + i) for i in range(args.requests)]
    warm = run_phase(server.port, warmup, args.clients, deadline)
    if warm.errors:
        print(f"  {name}: {warm.errors} errors during the warm-up, e.g. {warm.error_samples[:2]}")
    with CpuMeter(server.process.pid, database) as meter:
        phase = run_phase(server.port, timed, args.clients, deadline)
    cpu = meter.per_request(phase.sent)
    accepted = warm.statuses.get(201, 0) + phase.statuses.get(201, 0)
    result = TargetResult(name, phase, cpu, accepted)
    print(
        f"  {name}: {phase.sent} requests in {phase.elapsed_s:.2f} s, {result.rps:.0f} req/s, "
        f"{phase.errors} errors; load average {load_average()}",
        flush=True,
    )
    return result


def request_builders(seed_data: Seed) -> dict[str, object]:
    def headers(token: str) -> dict[str, str]:
        return {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def checkin(index: int) -> Request:
        body, token = seed_data.checkin_body(index)
        return Request(CHECKIN_PATH, body, headers(token))

    def floor_of(path: str):
        # The same body and headers as a check-in: the floors ignore them.
        def build(index: int) -> Request:
            body, token = seed_data.checkin_body(index)
            return Request(path, body, headers(token))

        return build

    return {
        FLOOR_TARGET: floor_of(FLOOR_PATH),
        "raw WSGI, 1 INSERT": floor_of(RAW_FLOOR_PATH),
        CHECKIN_TARGET: checkin,
    }


# --- report ---------------------------------------------------------------------------------


def print_report(results: list[TargetResult], args: argparse.Namespace) -> None:
    print()
    print(
        f"{args.requests} timed requests per target after {args.warmup} warm-up, "
        f"{args.clients} clients, gunicorn {args.workers} sync workers"
    )
    header = (
        f"{'target':<30} | {'requests':>8} | {'errors':>6} | {'req/s':>7} | {'p50 ms':>7} | "
        f"{'p90 ms':>7} | {'p99 ms':>7} | {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        latencies = result.phase.latencies_s
        print(
            f"{result.name:<30} | {result.phase.sent:>8} | {result.phase.errors:>6} | "
            f"{result.rps:>7.0f} | {percentile_ms(latencies, 0.5):>7.1f} | "
            f"{percentile_ms(latencies, 0.9):>7.1f} | {percentile_ms(latencies, 0.99):>7.1f} | "
            f"{1000 * max(latencies, default=math.nan):>7.1f}"
        )
    print()
    print(
        "CPU per request, ms: gunicorn workers; PostgreSQL (this database's backends and the\n"
        "server's background processes); this load generator; the three together; the whole\n"
        "machine; the difference (other processes on the machine, kernel work charged to none).\n"
        "Then the share of the machine's cores busy, and stolen by the hypervisor, in the run."
    )
    header = (
        f"{'target':<30} | {'gunicorn':>8} | {'postgres':>8} | {'client':>6} | {'ours':>6} | "
        f"{'machine':>7} | {'other':>6} | {'busy':>5} | {'steal':>5}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        cpu = result.cpu
        print(
            f"{result.name:<30} | {cpu['gunicorn']:>8.2f} | {cpu['postgres']:>8.2f} | "
            f"{cpu['client']:>6.2f} | {cpu['ours']:>6.2f} | {cpu['machine']:>7.2f} | "
            f"{cpu['other']:>6.2f} | {cpu['busy_share']:>5.0%} | {cpu['steal_share']:>5.0%}"
        )
    for result in results:
        if result.phase.error_samples:
            print(f"\nFirst errors of {result.name} (status: body):")
            for sample in result.phase.error_samples:
                print(f"  {sample}")
    by_name = {result.name: result for result in results}
    floor, checkin = by_name[FLOOR_TARGET], by_name[CHECKIN_TARGET]
    ratio = checkin.rps / floor.rps if floor.rps else math.nan
    p99 = percentile_ms(checkin.phase.latencies_s, 0.99)
    print()
    print(
        f"check-in req/s / floor req/s = {checkin.rps:.0f} / {floor.rps:.0f} = {ratio:.2f} "
        f"(aim >= {AIM_RATIO}): {'met' if ratio >= AIM_RATIO else 'NOT met'}"
    )
    print(
        f"check-in p99 = {p99:.1f} ms (aim < {AIM_P99_MS:.0f} ms): "
        f"{'met' if p99 < AIM_P99_MS else 'NOT met'}"
    )
    cpu_ratio = floor.cpu["ours"] / checkin.cpu["ours"] if checkin.cpu["ours"] else math.nan
    print(
        f"CPU-bound estimate of that ratio, less sensitive to other processes: floor CPU / "
        f"check-in CPU ('ours') = {floor.cpu['ours']:.2f} / {checkin.cpu['ours']:.2f} = "
        f"{cpu_ratio:.2f}"
    )
    if any(result.phase.errors for result in results):
        print("WARNING: some requests failed; the figures above are not those of a clean run.")
    print(
        "Note: the load generator shares the machine's cores with gunicorn and PostgreSQL "
        "(see the client column)."
    )
    print(
        f"Note: {args.clients} clients always in flight make the mean latency about "
        f"{args.clients} / req/s (Little's law): a p99 under {AIM_P99_MS:.0f} ms needs well over "
        f"{args.clients / (AIM_P99_MS / 1000):.0f} req/s, whatever the view does; with "
        f"{args.workers} sync workers the other requests wait in the listen queue."
    )


def check_rows(results: list[TargetResult]) -> None:
    """Count what the runs wrote: a 201 that wrote nothing would be a broken benchmark."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM checkins_checkin WHERE created_at > now() - interval '1 hour'"
        )
        checkins = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_floor")
        floor = cursor.fetchone()[0]
    accepted_checkins = sum(r.accepted for r in results if r.name == CHECKIN_TARGET)
    accepted_floor = sum(r.accepted for r in results if r.name != CHECKIN_TARGET)
    ok = checkins == accepted_checkins and floor == accepted_floor
    print(
        f"Rows written (warm-up included): {checkins} check-ins for {accepted_checkins} 201s, "
        f"{floor} floor rows for {accepted_floor} 201s: {'consistent' if ok else 'MISMATCH'}"
    )


def run(args: argparse.Namespace, database: str, env: dict[str, str], log_dir: Path) -> None:
    facts = server_facts()
    print(f"Machine: {os.cpu_count()} cores, {cpu_model()}; load average {load_average()}")
    busy_share = machine_busy_share()
    print(f"Machine busy {busy_share:.0%} over one second before the run")
    if busy_share > 0.1:
        print(
            "WARNING: other processes are busy on this machine; they compete with the benchmark "
            "for the cores and make its figures worse than the code's (see the 'other' column)."
        )
    print(
        f"PostgreSQL: {facts['version'].split(' on ')[0]} (synchronous_commit "
        f"{facts['synchronous_commit']}, fsync {facts['fsync']}, shared_buffers "
        f"{facts['shared_buffers']}); Python {platform.python_version()}"
    )
    print(f"Database {database}: migrated in {migrate(env):.1f} s", flush=True)
    setup_django(env)
    from django.db import connections

    total_checkins = args.warmup + args.requests
    residents = max(args.clients * 20, math.ceil(total_checkins / args.venues))
    started = time.perf_counter()
    seed_data = seed(args.venues, residents, args.history)
    connections.close_all()
    print(
        f"Seeded 1 council, {args.venues} venues within {VENUE_SPREAD_M:.0f} m, {residents} "
        f"residents with {args.history} past check-ins each, in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    flush_redis()
    server = start_gunicorn(env, args.workers, log_dir)
    try:
        print(
            f"gunicorn on {HOST}:{server.port}, pid {server.process.pid}, "
            f"workers {', '.join(child_pids(server.process.pid))}",
            flush=True,
        )
        deadline = time.monotonic() + args.time_budget
        results = [
            measure(name, server, build, args, database, deadline)
            for name, build in request_builders(seed_data).items()
        ]
    finally:
        stop_gunicorn(server)
    print_report(results, args)
    check_rows(results)
    if server.process.returncode not in (0, None):
        print(f"gunicorn exited with {server.process.returncode}:\n{server.log_tail()}")


def main() -> None:
    args = parse_args()
    database = f"bench_checkin_{os.getpid()}"
    env = bench_env(database)
    started = time.perf_counter()
    create_database(database)
    try:
        with tempfile.TemporaryDirectory(prefix="bench_checkin_") as log_dir:
            run(args, database, env, Path(log_dir))
    finally:
        if "django.conf" in sys.modules and sys.modules["django.conf"].settings.configured:
            from django.db import connections

            connections.close_all()
        drop_database(database)
        flush_redis()
        print(f"Dropped database {database}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
