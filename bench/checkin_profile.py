"""Where a check-in's time goes: SQL statements, CPU per request and a profile of the request
path, in process, for a check-in with no live offer and for a rewarding one.

Not a test: it prints figures. It creates a fresh PostgreSQL database (``bench_profile_<pid>``),
migrates it, seeds the world of ``bench/harness.py`` (two councils near one point, one without
offers, one whose venues each have a points offer and a voucher offer with a per-user limit)
and sends GPS check-ins through the project's WSGI handler (``django.core.handlers.wsgi``, as
gunicorn calls it: every middleware, DRF's authentication, throttle and serializers, the
service, the ORM), on production settings (DEBUG off) with Redis as the cache. For each case:

1. the SQL statements of one check-in (``CaptureQueriesContext``), with the SQL;
2. CPU per request of this process (``time.process_time``) and of its PostgreSQL backend
   (``/proc/<pid>/stat``), and the wall time, over ``--requests`` check-ins;
3. the stopwatch (``bench/stopwatch.py``) over ``--requests`` more: real CPU and wall time per
   request in each area of the path (authentication, throttle, serializers, the service's
   steps, SQL, Redis), rows nesting;
4. a cProfile of ``--requests`` more, on a CPU clock: the same areas (inflated where code makes
   many small calls, which is why the stopwatch comes first), then the top functions by
   cumulative and by own time.

``--quick`` prints only 1 and 2 (to compare commits). ``--middleware`` also times each
middleware's own CPU (the time inside it less the time inside the next one), medians of
``--rounds``. The database is dropped at the end.

    .venv/bin/python bench/checkin_profile.py [--requests 300] [--top 30] [--quick] [--middleware]
"""

import argparse
import cProfile
import io
import math
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.stopwatch import Stopwatch

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The request path by area: (label, file ending, function name). Cumulative CPU per request;
# a row includes the rows under it that it calls.
AREAS = [
    ("whole request (WSGIHandler.__call__)", "django/core/handlers/wsgi.py", "__call__"),
    ("  DRF dispatch", "rest_framework/views.py", "dispatch"),
    ("    initial: authentication", "rest_framework/views.py", "perform_authentication"),
    ("      JWT token decode", "rest_framework_simplejwt/tokens.py", "__init__"),
    ("      JWT user SELECT (get_user)", "rest_framework_simplejwt/authentication.py", "get_user"),
    ("    initial: permissions", "rest_framework/views.py", "check_permissions"),
    ("    initial: throttles", "rest_framework/views.py", "check_throttles"),
    ("    the view's post (idempotent wrapper)", "backend/idempotency.py", "wrapper"),
    ("      request body parse (DRF)", "rest_framework/request.py", "_parse"),
    ("      InputSerializer.is_valid", "rest_framework/serializers.py", "is_valid"),
    ("      checkin_record", "checkins/services.py", "checkin_record"),
    ("        _check_fix (geodesic)", "checkins/services.py", "_check_fix"),
    ("        _record (the transaction)", "checkins/services.py", "_record"),
    ("          cooldown and travel", "checkins/services.py", "_check_cooldown_and_travel"),
    ("          insert and visit day", "checkins/visit_days.py", "checkin_insert_counted"),
    ("          rewards_for_checkin", "rewards/offers/services.py", "rewards_for_checkin"),
    ("      Serializer.data (output)", "rest_framework/serializers.py", "data"),
    ("    finalize_response", "rest_framework/views.py", "finalize_response"),
    ("  response render (DRF JSON)", "rest_framework/response.py", "rendered_content"),
    ("ORM: SQL compile (SQLCompiler.as_sql)", "django/db/models/sql/compiler.py", "as_sql"),
    ("ORM: execute (CursorWrapper._execute)", "django/db/backends/utils.py", "_execute"),
    ("Redis: commands (redis.Redis.execute_command)", "redis/client.py", "execute_command"),
    ("Redis: pipelines (Pipeline.execute)", "redis/client.py", "execute"),
    ("transaction commit", "django/db/backends/base/base.py", "commit"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="check-ins per measure")
    parser.add_argument("--warmup", type=int, default=50, help="untimed check-ins per case")
    parser.add_argument("--top", type=int, default=30, help="rows of each pstats listing")
    parser.add_argument("--venues", type=int, default=100, help="venues per case")
    parser.add_argument("--history", type=int, default=10, help="past check-ins per resident")
    parser.add_argument("--quick", action="store_true", help="statements and CPU only")
    parser.add_argument("--middleware", action="store_true", help="each middleware's own CPU")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --middleware")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="the cache's Redis; its database is flushed before and after (%(default)s)",
    )
    return parser.parse_args()


class Driver:
    """Check-ins of one case through the WSGI handler, numbered so that none repeats a
    (resident, venue) pair."""

    def __init__(self, world: harness.World, application) -> None:
        self.world = world
        self.application = application
        self.sent = dict.fromkeys(harness.CASES, 0)

    def environ(self, case: str) -> dict:
        body, token = self.world.checkin(case, self.sent[case])
        self.sent[case] += 1
        if self.sent[case] > self.world.capacity(case):
            raise SystemExit(f"More check-ins of {case} than (resident, venue) pairs")
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": harness.CHECKIN_PATH,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": harness.HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": harness.HOST,
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": f"Bearer {token}",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }

    def send(self, case: str, application=None) -> bytes:
        environ = self.environ(case)
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = status

        result = (application or self.application)(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            result.close()  # request_finished, as gunicorn does
        if not answer["status"].startswith("201"):
            raise SystemExit(f"{case}: {answer['status']} {body[:300]!r}")
        return body

    def run(self, case: str, count: int, application=None) -> None:
        for _ in range(count):
            self.send(case, application)


def backend_cpu_seconds(pid: int) -> float:
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def probe_ms() -> float:
    """CPU of a fixed pure-Python loop (median of 5): this machine's speed of the moment, which
    drifts by up to 2x from minute to minute; divide by it to compare runs."""
    samples = []
    for _ in range(5):
        started = time.process_time()
        total = 0
        for number in range(200_000):
            total += number % 7
        samples.append(1000 * (time.process_time() - started))
    return statistics.median(samples)


def measure_cpu(driver: Driver, case: str, count: int, application=None) -> dict[str, float]:
    """CPU (ms per request) of this process and of its PostgreSQL backend, and wall time."""
    pid = backend_pid()
    backend_before, cpu_before = backend_cpu_seconds(pid), time.process_time()
    wall_before = time.perf_counter()
    driver.run(case, count, application)
    wall = time.perf_counter() - wall_before
    cpu = time.process_time() - cpu_before
    if backend_pid() != pid:
        raise SystemExit("The database connection was reopened mid-measure")
    backend = backend_cpu_seconds(pid) - backend_before
    return {
        "python": 1000 * cpu / count,
        "postgres": 1000 * backend / count,
        "wall": 1000 * wall / count,
    }


def print_statements(driver: Driver, case: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        driver.send(case)
    print(f"\nSQL statements of one {case} check-in: {len(captured)}")
    for number, query in enumerate(captured.captured_queries, 1):
        print(f"  {number:>2}. [{float(query['time']) * 1000:5.2f} ms] {query['sql']}")
    return len(captured)


def _find(stats: pstats.Stats, file_end: str, name: str) -> tuple[float, float, int]:
    """Cumulative and own CPU seconds, and calls, of the functions matching (file, name)."""
    cumulative = own = 0.0
    calls = 0
    for (filename, _line, function), (_cc, nc, tt, ct, _callers) in stats.stats.items():
        if function == name and filename.endswith(file_end):
            cumulative, own, calls = cumulative + ct, own + tt, calls + nc
    return cumulative, own, calls


def print_stopwatch(driver: Driver, case: str, count: int) -> None:
    with Stopwatch().running() as stopwatch:
        driver.run(case, count)
    print(f"\nStopwatch of {count} {case} check-ins (per request)")
    print("\n".join(stopwatch.report(count)))


def print_profile(driver: Driver, case: str, count: int, top: int) -> None:
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    driver.run(case, count)
    profile.disable()
    stats = pstats.Stats(profile)
    print(f"\ncProfile of {count} {case} check-ins (CPU clock; ms per request, calls per request)")
    print(f"{'area':<52} | {'cumul.':>7} | {'own':>6} | {'calls':>5}")
    for label, file_end, name in AREAS:
        cumulative, own, calls = _find(stats, file_end, name)
        print(
            f"{label:<52} | {1000 * cumulative / count:>7.3f} | {1000 * own / count:>6.3f} | "
            f"{calls / count:>5.1f}"
        )
    print("\nMiddleware hooks (cumulative ms per request; each includes what it calls)")
    middleware_files = ("middleware.py", "observability.py", "security.py", "limits.py")
    hooks = sorted(
        (ct, function, filename)
        for (filename, _line, function), (_cc, _nc, _tt, ct, _callers) in stats.stats.items()
        if filename.endswith(middleware_files)
        and (function.startswith("process_") or function == "__call__")
    )
    for ct, function, filename in reversed(hooks[-25:]):
        short = "/".join(filename.split("/")[-3:])
        print(f"  {1000 * ct / count:>7.3f}  {short}:{function}")
    for order in ("cumulative", "tottime"):
        buffer = io.StringIO()
        pstats.Stats(profile, stream=buffer).strip_dirs().sort_stats(order).print_stats(top)
        text = buffer.getvalue()
        print(f"\nTop {top} by {order} (seconds for all {count} requests)")
        print(text[text.index("   ncalls") :].rstrip())


def time_middleware(driver: Driver, count: int, rounds: int) -> None:
    """Each middleware's own CPU per no-offer check-in: the time inside it (in the call that
    reaches it) less the time inside the next one (its ``get_response``), medians of rounds."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    names = [name.rsplit(".", 1)[1] for name in settings.MIDDLEWARE]
    inside = [0.0] * (len(names) + 1)  # [0]: the whole chain; [i + 1]: inside middleware i

    def timed(index, function):
        def call(request):
            started = time.process_time()
            try:
                return function(request)
            finally:
                inside[index] += time.process_time() - started

        return call

    link = handler._middleware_chain
    handler._middleware_chain = timed(0, link)
    for index in range(len(names)):
        middleware = link.__wrapped__  # convert_exception_to_response(middleware)
        link = middleware.get_response
        middleware.get_response = timed(index + 1, link)
    own: dict[str, list[float]] = {name: [] for name in [*names, "Django's handler and the view"]}
    for _ in range(rounds):
        inside[:] = [0.0] * len(inside)
        driver.run(harness.NO_OFFER, count, handler)
        for index, name in enumerate(names):
            own[name].append(1000 * (inside[index] - inside[index + 1]) / count)
        own["Django's handler and the view"].append(1000 * inside[-1] / count)
    print(f"\nMiddleware, own CPU ms per no-offer check-in (medians of {rounds} x {count})")
    for name, values in own.items():
        print(f"  {statistics.median(values):>6.3f}  {name}")


def main() -> None:
    args = parse_args()
    database = f"bench_profile_{os.getpid()}"
    env = harness.bench_env(database, args.redis_url, f"bench-profile-{os.getpid()}")
    env["DB_CONN_MAX_AGE"] = "3600"  # one backend for the whole run, to read its CPU
    started = time.perf_counter()
    harness.create_database(database)
    try:
        print(f"Database {database}: migrated in {harness.migrate(env):.1f} s", flush=True)
        harness.setup_django(env)
        from django.core.cache import cache
        from django.core.handlers.wsgi import WSGIHandler

        cache.clear()

        needed = args.warmup + 3 * args.requests + 1  # of each case
        if args.middleware:
            needed += args.rounds * args.requests
        residents = max(200, math.ceil(needed / args.venues))
        world = harness.seed(args.venues, residents, args.history)
        print(
            f"Seeded {args.venues} venues per case, {residents} residents with {args.history} "
            f"past check-ins each; load average {harness.load_average()}",
            flush=True,
        )
        driver = Driver(world, WSGIHandler())
        figures = {}
        for case in harness.CASES:
            driver.run(case, args.warmup)
            statements = print_statements(driver, case)
            probe = probe_ms()
            figures[case] = (statements, measure_cpu(driver, case, args.requests), probe)
            if not args.quick:
                print_stopwatch(driver, case, args.requests)
                print_profile(driver, case, args.requests, args.top)
        print(f"\nSummary ({args.requests} check-ins per case; load {harness.load_average()})")
        print(
            f"{'case':<10} | {'SQL':>3} | {'Python CPU ms':>13} | {'PG CPU ms':>9} | wall ms | "
            "probe ms | Python CPU / probe"
        )
        for case, (statements, cpu, probe) in figures.items():
            print(
                f"{case:<10} | {statements:>3} | {cpu['python']:>13.2f} | "
                f"{cpu['postgres']:>9.2f} | {cpu['wall']:>7.2f} | {probe:>8.2f} | "
                f"{cpu['python'] / probe:.3f}"
            )
        if args.middleware:
            time_middleware(driver, args.requests, args.rounds)
    finally:
        if "django.conf" in sys.modules and sys.modules["django.conf"].settings.configured:
            from django.core.cache import cache
            from django.db import connections

            cache.clear()
            connections.close_all()
        harness.drop_database(database)
        print(f"Dropped database {database}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
