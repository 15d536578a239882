"""Load test of the GPS check-in (``POST /api/v1/checkins/``) under gunicorn on PostgreSQL,
against the floor of one INSERT behind the same Django stack.

Not a test: it prints figures. It creates a fresh database on the local PostgreSQL server,
migrates it and seeds the world of ``bench/harness.py``: a council without offers, a council
whose every venue has an ``every_checkin`` points offer and a voucher offer with
``per_user_limit=1`` (no (resident, venue) pair repeats, so every check-in there earns both),
residents with JWT access tokens and a history of check-ins. It counts the SQL statements of
one check-in of each case in process (``CaptureQueriesContext``), then serves
``bench.floor_app`` (the project plus the floor endpoints) with gunicorn's sync workers and, for
``--rounds`` rounds, drives in turn the floor (a bare Django view doing one INSERT), the
check-in with no live offer and the rewarding check-in from ``--clients`` closed-loop clients,
``--requests`` each after a warm-up, printing every round and then the medians. With
``--open-loop`` it then sends each target requests at a fixed rate (half its median capacity,
or ``--rate``), latency measured from when each request was due, and reports p50/p99. It checks
the rows written against the 201s, and drops the database, gunicorn and its Redis database.

Run from the repository root::

    .venv/bin/python bench/checkin_load.py [--rounds 3] [--requests 3000] [--clients 16]
        [--workers 2] [--open-loop [--rate R] [--open-seconds 20]]

The client runs on the same machine as gunicorn and PostgreSQL and takes its share of the CPU:
the figures are those of the whole machine, not of the server alone. Gunicorn's sync workers
close the connection after every response, so each request opens a new TCP connection.
"""

import argparse
import io
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness, load

FLOOR = "floor"
RAW_FLOOR = "raw-floor"
DRF_FLOOR = "drf-floor"
PATHS = {
    FLOOR: "/bench/floor",  # bench/floor_app.py
    RAW_FLOOR: "/bench/raw-floor",
    DRF_FLOOR: "/bench/drf-floor",
    harness.NO_OFFER: harness.CHECKIN_PATH,
    harness.REWARDING: harness.CHECKIN_PATH,
}
DESCRIPTIONS = {
    FLOOR: "Django view, 1 INSERT",
    RAW_FLOOR: "raw WSGI, 1 INSERT",
    DRF_FLOOR: "DRF view, JWT, throttle, 1 INSERT",
    harness.NO_OFFER: "GPS check-in, no live offer",
    harness.REWARDING: "GPS check-in, 2 offers reward",
}
AIMS = {harness.NO_OFFER: 0.5, harness.REWARDING: 0.33}  # req/s as a share of the floor's
AIM_REWARDING_STATEMENTS = 12
AIM_P99_MS = 50.0


def open_rates(text: str) -> dict[str, float] | float:
    if "=" not in text:
        return float(text)
    rates = {}
    for pair in text.split(","):
        target, _, rate = pair.partition("=")
        if target not in PATHS:
            raise argparse.ArgumentTypeError(f"no target {target!r}: one of {', '.join(PATHS)}")
        rates[target] = float(rate)
    return rates


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds (%(default)s)")
    parser.add_argument(
        "--requests", type=int, default=3000, help="timed requests per target and round"
    )
    parser.add_argument("--clients", type=int, default=16, help="closed-loop clients")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests before each")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--venues", type=int, default=300, help="venues per case")
    parser.add_argument("--history", type=int, default=10, help="past check-ins per resident")
    parser.add_argument("--raw-floor", action="store_true", help="also the raw WSGI floor")
    parser.add_argument("--no-open-floors", action="store_true", help="open loop: check-ins only")
    parser.add_argument("--open-loop", action="store_true", help="then a fixed arrival rate")
    parser.add_argument(
        "--rate",
        type=open_rates,
        help="open-loop rate in req/s, for every target or per target (no-offer=150,rewarding=40,"
        "...: those targets only); default: half of each one's measured capacity",
    )
    parser.add_argument("--open-seconds", type=float, default=20.0, help="open-loop duration")
    parser.add_argument("--open-threads", type=int, default=64, help="open-loop senders")
    parser.add_argument(
        "--time-budget", type=float, default=600.0, help="seconds for each round's load phases"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="Redis for the cache (throttle counters); its database is flushed (%(default)s)",
    )
    args = parser.parse_args()
    if min(args.rounds, args.requests, args.clients, args.workers, args.venues) < 1:
        parser.error("--rounds, --requests, --clients, --workers and --venues must be positive")
    if args.warmup < 0 or args.history < 0:
        parser.error("--warmup and --history cannot be negative")
    return args


# --- the machine --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def server_facts() -> dict[str, str]:
    with psycopg.connect(f"{harness.SERVER_URL}/postgres", autocommit=True) as conn:
        facts = {"version": conn.execute("SELECT version()").fetchone()[0]}
        for setting in ("synchronous_commit", "fsync", "shared_buffers"):
            facts[setting] = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(setting)))
            facts[setting] = facts[setting].fetchone()[0]
    return facts


def flush_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


# --- requests -----------------------------------------------------------------------------------


class Requests:
    """Request builders; check-ins of each case are numbered on, so no (resident, venue) pair
    repeats over the whole run (in-process counts, warm-ups, rounds, open loop)."""

    def __init__(self, world: harness.World) -> None:
        self.world = world
        self.next = dict.fromkeys(harness.CASES, 0)

    def take(self, target: str, count: int) -> list[load.Request]:
        case = target if target in harness.CASES else harness.NO_OFFER  # floors ignore bodies
        first = self.next[case]
        if target in harness.CASES:
            self.next[case] += count
            if self.next[case] > self.world.capacity(case):
                raise SystemExit(f"More {case} check-ins than (resident, venue) pairs: add venues")
        requests = []
        for index in range(first, first + count):
            body, token = self.world.checkin(case, index)
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            requests.append(load.Request(PATHS[target], body, headers))
        return requests


def count_statements(requests: Requests) -> dict[str, int]:
    """SQL statements of one request of each target, in process, through the project's WSGI
    handler (the floor's through its own), BEGIN and COMMIT included."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.floor_app import floor_application

    handler = WSGIHandler()
    counts = {}
    for target in (FLOOR, DRF_FLOOR, *harness.CASES):
        application = floor_application if target in (FLOOR, DRF_FLOOR) else handler
        [request] = requests.take(target, 1)
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": request.path,
            "SERVER_NAME": harness.HOST,
            "SERVER_PORT": "80",
            "HTTP_HOST": harness.HOST,
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(request.body)),
            "HTTP_AUTHORIZATION": request.headers["Authorization"],
            "wsgi.input": io.BytesIO(request.body),
            "wsgi.url_scheme": "http",
        }
        statuses: list[str] = []

        def start_response(status, headers, statuses=statuses):
            statuses.append(status)

        with CaptureQueriesContext(connection) as captured:
            result = application(environ, start_response)
            b"".join(result)
            result.close()
        if not statuses[0].startswith("201"):
            raise SystemExit(f"{target}: {statuses[0]} in process")
        counts[target] = len(captured)
    return counts


# --- runs ---------------------------------------------------------------------------------------


@dataclass
class Run:
    target: str
    phase: load.Phase
    cpu: dict[str, float] = field(default_factory=dict)
    accepted: int = 0  # 201s, warm-up included


def closed_run(target: str, server: load.Server, requests: Requests, args, database: str) -> Run:
    deadline = time.monotonic() + args.time_budget
    warm = load.closed_loop(server.port, requests.take(target, args.warmup), args.clients, deadline)
    timed = requests.take(target, args.requests)
    with load.CpuMeter(server.process.pid, database) as meter:
        phase = load.closed_loop(server.port, timed, args.clients, deadline)
    run = Run(target, phase, meter.per_request(phase.sent))
    run.accepted = warm.statuses.get(201, 0) + phase.statuses.get(201, 0)
    return run


def open_run(
    target: str, rate: float, server: load.Server, requests: Requests, args, database: str
) -> Run:
    count = max(1, round(rate * args.open_seconds))
    batch = requests.take(target, count)
    with load.CpuMeter(server.process.pid, database) as meter:
        phase = load.open_loop(server.port, batch, rate, args.open_threads)
    run = Run(target, phase, meter.per_request(phase.sent))
    run.accepted = phase.statuses.get(201, 0)
    return run


ROW = (
    "{target:<10} | {round:>5} | {rps:>7} | {p50:>7} | {p99:>7} | {gunicorn:>8} | {postgres:>8} | "
    "{client:>6} | {busy:>5} | {errors:>6} | {load}"
)


def row(run: Run, label: str) -> str:
    cpu = run.cpu
    return ROW.format(
        target=run.target,
        round=label,
        rps=f"{run.phase.rps:.0f}",
        p50=f"{run.phase.percentile_ms(0.5):.1f}",
        p99=f"{run.phase.percentile_ms(0.99):.1f}",
        gunicorn=f"{cpu['gunicorn']:.2f}",
        postgres=f"{cpu['postgres']:.2f}",
        client=f"{cpu['client']:.2f}",
        busy=f"{cpu['busy_share']:.0%}",
        errors=run.phase.errors,
        load=harness.load_average(),
    )


def header() -> str:
    line = ROW.format(
        target="target",
        round="round",
        rps="req/s",
        p50="p50 ms",
        p99="p99 ms",
        gunicorn="gunicorn",
        postgres="postgres",
        client="client",
        busy="busy",
        errors="errors",
        load="load average",
    )
    return f"{line}\n{'-' * len(line)}"


def median_of(runs: list[Run], read) -> float:
    return statistics.median(read(run) for run in runs)


def print_medians(runs: dict[str, list[Run]], statements: dict[str, int], args) -> None:
    print(
        f"\nMedians of {args.rounds} rounds ({args.requests} requests each, {args.clients} "
        f"clients, gunicorn {args.workers} sync workers); CPU in ms per request"
    )
    print(
        "| target | SQL statements | req/s | p50 ms | p99 ms | gunicorn CPU | postgres CPU | "
        "req/s / floor | aim |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    floor_rps = [run.phase.rps for run in runs[FLOOR]]
    for target, target_runs in runs.items():
        ratios = [run.phase.rps / floor for run, floor in zip(target_runs, floor_rps, strict=True)]
        aim = AIMS.get(target)
        verdict = ""
        if aim is not None:
            met = statistics.median(ratios) >= aim
            verdict = f">= {aim}: {'met' if met else 'NOT met'}"
        print(
            f"| {target} ({DESCRIPTIONS[target]}) | {statements.get(target, '')} | "
            f"{median_of(target_runs, lambda r: r.phase.rps):.0f} | "
            f"{median_of(target_runs, lambda r: r.phase.percentile_ms(0.5)):.1f} | "
            f"{median_of(target_runs, lambda r: r.phase.percentile_ms(0.99)):.1f} | "
            f"{median_of(target_runs, lambda r: r.cpu['gunicorn']):.2f} | "
            f"{median_of(target_runs, lambda r: r.cpu['postgres']):.2f} | "
            f"{statistics.median(ratios):.2f} | {verdict} |"
        )
    rewarding = statements.get(harness.REWARDING)
    if rewarding is not None:
        met = "met" if rewarding <= AIM_REWARDING_STATEMENTS else "NOT met"
        print(
            f"\nRewarding check-in: {rewarding} SQL statements (aim <= "
            f"{AIM_REWARDING_STATEMENTS}): {met}"
        )
    print(
        "The ratio column is the median of each round's ratio (check-in and floor measured "
        "minutes apart)."
    )


def print_open_loop(open_runs: list[Run], args) -> None:
    print(
        f"\nOpen loop: a fixed arrival rate for {args.open_seconds:.0f} s, latency from when "
        "each request was due"
    )
    print("| target | rate req/s | sent | p50 ms | p90 ms | p99 ms | max ms | errors | late ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for run in open_runs:
        phase = run.phase
        rate = phase.sent / args.open_seconds
        p99 = phase.percentile_ms(0.99)
        print(
            f"| {run.target} | {rate:.0f} | {phase.sent} | {phase.percentile_ms(0.5):.1f} | "
            f"{phase.percentile_ms(0.9):.1f} | {p99:.1f} | "
            f"{1000 * max(phase.latencies_s, default=math.nan):.1f} | {phase.errors} | "
            f"{phase.worst_start_delay_ms:.1f} |"
        )
        if run.target in harness.CASES:
            verdict = "met" if p99 < AIM_P99_MS else "NOT met"
            print(f"  {run.target}: p99 {p99:.1f} ms (aim < {AIM_P99_MS:.0f} ms): {verdict}")
    print(
        "'late' is the worst delay between a request's due time and its sending: if it is not "
        "small, the load generator, not the server, held requests back."
    )


def check_rows(runs: list[Run], statements_runs: int) -> None:
    """Count what the runs wrote: a 201 that wrote nothing would be a broken benchmark."""
    from django.db import connection

    accepted = dict.fromkeys(PATHS, 0)
    for run in runs:
        accepted[run.target] += run.accepted
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.council_id = (SELECT id FROM venues_council WHERE slug = %s), count(*) "
            "FROM checkins_checkin c JOIN venues_venue v ON v.id = c.venue_id "
            "WHERE c.created_at > now() - interval '1 day' GROUP BY 1",
            [f"bench-{harness.REWARDING}"],
        )
        checkins = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM rewards_rewardgrant")
        grants = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM rewards_voucher")
        vouchers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_floor")
        floor_rows = cursor.fetchone()[0]
    no_offer = accepted[harness.NO_OFFER] + statements_runs
    rewarding = accepted[harness.REWARDING] + statements_runs
    floor = accepted[FLOOR] + accepted[RAW_FLOOR] + accepted[DRF_FLOOR] + 2 * statements_runs
    ok = (
        checkins.get(False, 0) == no_offer
        and checkins.get(True, 0) == rewarding
        and grants == 2 * rewarding
        and vouchers == rewarding
        and floor_rows == floor
    )
    print(
        "\nRows written (warm-ups and in-process counts included): check-ins "
        f"{checkins.get(False, 0)} without offer for {no_offer} 201s, {checkins.get(True, 0)} "
        f"rewarding for {rewarding} "
        f"(grants {grants}, vouchers {vouchers}), floor rows {floor_rows} for {floor}: "
        f"{'consistent' if ok else 'MISMATCH'}"
    )


def run(args: argparse.Namespace, database: str, env: dict[str, str], log_dir: Path) -> None:
    facts = server_facts()
    print(f"Machine: {os.cpu_count()} cores, {cpu_model()}; load average {harness.load_average()}")
    busy_share = load.machine_busy_share()
    print(f"Machine busy {busy_share:.0%} over one second before the run")
    print(
        f"PostgreSQL: {facts['version'].split(' on ')[0]} (synchronous_commit "
        f"{facts['synchronous_commit']}, fsync {facts['fsync']}, shared_buffers "
        f"{facts['shared_buffers']}); Python {platform.python_version()}"
    )
    print(f"Database {database}: migrated in {harness.migrate(env):.1f} s", flush=True)
    harness.setup_django(env)
    from django.db import connections

    targets = [FLOOR, *([RAW_FLOOR] if args.raw_floor else []), DRF_FLOOR, *harness.CASES]
    rates = args.rate.values() if isinstance(args.rate, dict) else [args.rate or 400.0]
    open_rate_bound = max(rates)
    needed = args.rounds * (args.warmup + args.requests) + 1
    if args.open_loop:
        needed += math.ceil(open_rate_bound * args.open_seconds)
    residents = max(args.clients * 20, math.ceil(needed / args.venues))
    started = time.perf_counter()
    world = harness.seed(args.venues, residents, args.history)
    print(
        f"Seeded {args.venues} venues per case within {harness.VENUE_SPREAD_M:.0f} m, "
        f"{residents} residents with {args.history} past check-ins each, in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    requests = Requests(world)
    statements = count_statements(requests)
    print(
        "SQL statements per request, in process (BEGIN and COMMIT included): "
        + ", ".join(f"{target} {count}" for target, count in statements.items())
    )
    connections.close_all()
    flush_redis(args.redis_url)
    server = load.start_gunicorn(env, args.workers, log_dir)
    runs: dict[str, list[Run]] = {target: [] for target in targets}
    open_runs: list[Run] = []
    try:
        print(f"gunicorn on {harness.HOST}:{server.port}, pid {server.process.pid}\n")
        print(header())
        for number in range(1, args.rounds + 1):
            for target in targets:
                result = closed_run(target, server, requests, args, database)
                runs[target].append(result)
                print(row(result, str(number)), flush=True)
        if args.open_loop:
            open_targets = harness.CASES if args.no_open_floors else targets
            if isinstance(args.rate, dict):
                open_targets = [target for target in targets if target in args.rate]
            for target in open_targets:
                capacity = median_of(runs[target], lambda r: r.phase.rps)
                rate = args.rate.get(target) if isinstance(args.rate, dict) else args.rate
                rate = rate or capacity / 2
                open_runs.append(open_run(target, rate, server, requests, args, database))
                print(f"  open loop {target} at {rate:.0f} req/s done", flush=True)
    finally:
        load.stop_gunicorn(server)
    for target in targets:
        for result in runs[target]:
            for sample in result.phase.error_samples[:2]:
                print(f"  {target} error: {sample}")
    print_medians(runs, statements, args)
    if open_runs:
        print_open_loop(open_runs, args)
    check_rows([r for target_runs in runs.values() for r in target_runs] + open_runs, 1)
    print(f"Load average at the end: {harness.load_average()}")
    if server.process.returncode not in (0, None):
        print(f"gunicorn exited with {server.process.returncode}:\n{server.log_tail()}")


def main() -> None:
    args = parse_args()
    database = f"bench_checkin_{os.getpid()}"
    env = harness.bench_env(database, args.redis_url, f"bench-checkin-{os.getpid()}")
    started = time.perf_counter()
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; code at {harness.code_version()}")
    harness.create_database(database)
    try:
        with tempfile.TemporaryDirectory(prefix="bench_checkin_") as log_dir:
            run(args, database, env, Path(log_dir))
    finally:
        if "django.conf" in sys.modules and sys.modules["django.conf"].settings.configured:
            from django.db import connections

            connections.close_all()
        harness.drop_database(database)
        flush_redis(args.redis_url)
        print(f"Dropped database {database}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
