"""Benchmark of the venue geo search (``venues.selectors.venues_near``) on PostgreSQL.

Not a test: it prints figures. It creates a fresh database on the local PostgreSQL server,
migrates it, fills the venues table with N venues at random points over Great Britain (growing
the same table through each size), times the ``near`` query the API runs (the ranking plus its
first page) against a full geodesic scan of the table, and drops the database at the end.

Run from the repository root::

    .venv/bin/python bench/geo_search.py [--sizes 10000,100000,1000000] [--queries 200]

See bench/README.md for the figures measured and what they mean.
"""

import argparse
import os
import random
import statistics
import sys
import time
import timeit
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SERVER_URL = "postgresql://postgres@127.0.0.1:5432"

# A rough bounding box of Great Britain; points fall on land and sea alike.
GB_LATITUDES = (50.0, 58.6)
GB_LONGITUDES = (-5.7, 1.8)
RADIUS_M = 5000.0  # settings.VENUE_SEARCH_DEFAULT_RADIUS_M, the API's default radius
PAGE_SIZE = 20  # the first page the API serves
VENUE_SEED = 20251125
QUERY_SEED = 7
WARMUP_SEED = 11
WARMUP_QUERIES = 20
EXPLAIN_POINT = ("Leeds city centre", 53.7997, -1.5492)
COPY_BATCH_ROWS = 100_000

COUNCILS = (
    ("bench-north", "Bench North Council"),
    ("bench-midlands", "Bench Midlands Council"),
    ("bench-south", "Bench South Council"),
    ("bench-scotland", "Bench Scotland Council"),
)
POSTCODE_AREAS = ("LS", "M", "B", "G", "EH", "CF", "NE", "BS", "L", "S", "IG", "NR")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
VENUE_COLUMNS = (
    "id",
    "council_id",
    "name",
    "slug",
    "category",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "radius_m",
    "is_active",
    "opening_hours",
    "foursquare_place_id",
    "foursquare_status",
    "foursquare_synced_at",
    "foursquare_error",
    "created_at",
    "updated_at",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000,1000000",
        help="comma-separated table sizes, grown in increasing order (default: %(default)s)",
    )
    parser.add_argument(
        "--queries",
        type=int,
        default=200,
        help="timed near queries per size (default: %(default)s)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds over the query points; the fastest round is reported (default: %(default)s)",
    )
    parser.add_argument(
        "--full-scan-reps",
        type=int,
        default=None,
        help="full-scan repetitions per size (default: 5 up to 10k, 3 above)",
    )
    args = parser.parse_args()
    args.sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})
    if args.sizes[0] < 1 or args.queries < 1 or args.rounds < 1:
        parser.error("sizes, --queries and --rounds must be positive")
    return args


def full_scan_reps(size: int, requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    return 5 if size <= 10_000 else 3


def random_points(seed: int, count: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(*GB_LATITUDES), rng.uniform(*GB_LONGITUDES)) for _ in range(count)]


def load_average() -> str:
    """Other processes on the machine skew the figures: print the load next to them."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def cpu_probe_us() -> float:
    """A fixed pure-Python workload, best of 5, in microseconds. A virtual machine's CPU speed
    can drift from minute to minute: printed next to each round, it tells a slow machine from a
    slow query."""
    return min(timeit.repeat("sum(range(10_000))", number=100, repeat=5)) / 100 * 1e6


def ms(seconds: float) -> float:
    return seconds * 1000


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


# --- database lifecycle ---------------------------------------------------------------------


def create_database(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{SERVER_URL}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    os.environ["DEBUG"] = "true"
    import django

    django.setup()


# --- filling the table ----------------------------------------------------------------------


class VenueFactory:
    """Rows for the venues table, deterministic: venue i is the same whatever the sizes."""

    def __init__(self, council_ids: list) -> None:
        from venues.models import Venue

        columns = {field.column for field in Venue._meta.concrete_fields}
        if columns != set(VENUE_COLUMNS):
            raise SystemExit(f"The Venue model changed; update VENUE_COLUMNS: {sorted(columns)}")
        self.table = Venue._meta.db_table
        self.council_ids = council_ids
        self.rng = random.Random(VENUE_SEED)
        self.count = 0

    def postcode(self, i: int) -> str:
        area = POSTCODE_AREAS[i % len(POSTCODE_AREAS)]
        district = 1 + (i // len(POSTCODE_AREAS)) % 9
        letters = "".join(self.rng.choice(INWARD_LETTERS) for _ in range(2))
        return f"{area}{district} {self.rng.randint(0, 9)}{letters}"

    def row(self, i: int, now: datetime) -> tuple:
        rng = self.rng
        return (
            uuid.UUID(int=rng.getrandbits(128), version=4),
            self.council_ids[i % len(self.council_ids)],
            f"Bench Library {i:07d}",
            f"bench-library-{i:07d}",
            "library",
            f"{1 + i % 300} Bench Street",
            self.postcode(i),
            rng.uniform(*GB_LATITUDES),
            rng.uniform(*GB_LONGITUDES),
            100,
            True,
            "{}",
            "",
            "pending",
            None,
            "",
            now,
            now,
        )

    def grow_to(self, size: int) -> float:
        """COPY venues until the table holds ``size``; VACUUM ANALYZE. Returns the seconds."""
        from django.db import connection
        from django.utils import timezone

        started = time.perf_counter()
        now = timezone.now()
        connection.ensure_connection()
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(self.table), sql.SQL(", ").join(map(sql.Identifier, VENUE_COLUMNS))
        )
        raw = connection.connection
        while self.count < size:
            batch_end = min(size, self.count + COPY_BATCH_ROWS)
            with raw.transaction(), raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
                for i in range(self.count, batch_end):
                    copy.write_row(self.row(i, now))
            self.count = batch_end
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(self.table)))
        return time.perf_counter() - started


def create_councils() -> list:
    from venues.models import Council

    return [Council.objects.create(slug=slug, name=name).pk for slug, name in COUNCILS]


# --- the measured queries -------------------------------------------------------------------


def near_query(latitude: float, longitude: float):
    """What the API does for ``?near=lat,lng``: rank, count, then load the first page."""
    from venues.selectors import venue_list, venues_near

    result = venues_near(venue_list(), latitude=latitude, longitude=longitude, radius_m=RADIUS_M)
    page = result[0:PAGE_SIZE]
    return result, page


def full_scan_query(latitude: float, longitude: float):
    """The baseline: a geodesic for every active venue, cut at the radius, sorted."""
    from venues.geo import geodesic_m
    from venues.selectors import RankedVenue, VenuesByDistance, venue_list

    venues = venue_list()
    ranking = []
    rows = venues.order_by().values_list("id", "latitude", "longitude")
    for venue_id, venue_lat, venue_lng in rows.iterator(chunk_size=2000):
        distance = geodesic_m(latitude, longitude, venue_lat, venue_lng)
        if distance <= RADIUS_M:
            ranking.append(RankedVenue(venue_id, distance))
    ranking.sort(key=lambda item: (item.distance_m, str(item.id)))
    result = VenuesByDistance(venues, ranking)
    page = result[0:PAGE_SIZE]
    return result, page


def candidate_select_sql(latitude: float, longitude: float) -> tuple[str, bool]:
    """The bounding-box SELECT that ``venues_near`` sends, as logged (DEBUG=true), and whether
    it ran as a server-side cursor (``QuerySet.iterator()`` on PostgreSQL)."""
    from django.db import connection, reset_queries

    reset_queries()
    near_query(latitude, longitude)
    for query in connection.queries:
        text = query["sql"]
        if text.startswith("DECLARE ") and " FOR SELECT " in text:
            return text.split(" FOR ", 1)[1], True
        if text.startswith("SELECT ") and '"latitude" >=' in text:
            return text, False
    raise SystemExit("Could not find the bounding-box query among the logged queries.")


class CpuClock:
    """CPU time of this process and of its PostgreSQL backend, and the time both waited for a
    CPU, in nanoseconds (Linux ``/proc/<pid>/schedstat``; the server must be local).

    Wall time also counts the time the query waits while other processes hold the CPUs; CPU
    time leaves that out (a non-zero wait flags a busy machine), though not a CPU slowed by
    its neighbours (see cpu_probe_us).
    """

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        self.paths = ("/proc/self/schedstat", f"/proc/{backend}/schedstat")
        self.available = self.read() is not None

    def read(self) -> tuple[int, int] | None:
        """(CPU ns, run-queue wait ns) of both processes so far; None if unreadable."""
        cpu = waited = 0
        try:
            for path in self.paths:
                with open(path) as schedstat:
                    on_cpu, on_queue, _ = schedstat.read().split()
                cpu, waited = cpu + int(on_cpu), waited + int(on_queue)
        except (OSError, ValueError):
            return None
        return cpu, waited


@dataclass
class NearTiming:
    ranking_s: float  # venues_near(): the bounding-box query, geodesics, sort
    page_s: float  # loading the first page of venues
    results: int
    cpu_ns: int  # client + server CPU time, or 0 if unknown
    waited_ns: int  # client + server time spent runnable but waiting for a CPU

    @property
    def total_s(self) -> float:
        return self.ranking_s + self.page_s


def time_near_round(points: list[tuple[float, float]]) -> list[NearTiming]:
    from django.db import reset_queries

    from venues.selectors import venue_list, venues_near

    clock = CpuClock()
    timings = []
    for latitude, longitude in points:
        reset_queries()
        before = clock.read() or (0, 0)
        started = time.perf_counter()
        result = venues_near(
            venue_list(), latitude=latitude, longitude=longitude, radius_m=RADIUS_M
        )
        ranked = time.perf_counter()
        result[0:PAGE_SIZE]
        finished = time.perf_counter()
        after = clock.read() or (0, 0)
        timings.append(
            NearTiming(
                ranking_s=ranked - started,
                page_s=finished - ranked,
                results=len(result),
                cpu_ns=after[0] - before[0],
                waited_ns=after[1] - before[1],
            )
        )
    return timings


def measure_near(points: list[tuple[float, float]], rounds: int) -> dict:
    """Time every point in each round and keep the round with the lowest median: other
    processes on the machine only ever add time. Then, untimed, count each point's candidates
    and split the cost: the bounding-box SQL alone and the geodesics alone."""
    from django.db import connection, reset_queries

    from venues.geo import geodesics_from_m

    time_near_round(random_points(WARMUP_SEED, WARMUP_QUERIES))
    round_medians, probes, best = [], [], []
    for _ in range(rounds):
        probes.append(cpu_probe_us())
        timings = time_near_round(points)
        round_medians.append(ms(statistics.median(timing.total_s for timing in timings)))
        if round_medians[-1] <= min(round_medians):
            best = timings
    totals = [timing.total_s for timing in best]

    candidates, sql_times, geodesic_times = [], [], []
    for latitude, longitude in points:
        select, _ = candidate_select_sql(latitude, longitude)
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(select)
            rows = cursor.fetchall()
            sql_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        geodesics_from_m(latitude, longitude, [row[1] for row in rows], [row[2] for row in rows])
        geodesic_times.append(time.perf_counter() - started)
        candidates.append(len(rows))
    reset_queries()
    return {
        "median_ms": ms(statistics.median(totals)),
        "p90_ms": ms(percentile(totals, 0.9)),
        "round_medians_ms": round_medians,
        "probes_us": probes,
        "cpu_median_ms": statistics.median(timing.cpu_ns for timing in best) / 1e6,
        "waited_median_ms": statistics.median(timing.waited_ns for timing in best) / 1e6,
        "mean_candidates": statistics.fmean(candidates),
        "mean_results": statistics.fmean(timing.results for timing in best),
        "ranking_ms": ms(statistics.median(timing.ranking_s for timing in best)),
        "page_ms": ms(statistics.median(timing.page_s for timing in best)),
        "sql_ms": ms(statistics.median(sql_times)),
        "geodesic_ms": ms(statistics.median(geodesic_times)),
        "geodesic_us_each": 1e6 * sum(geodesic_times) / max(1, sum(candidates)),
        "cpu_clock": CpuClock().available,
    }


def measure_full_scan(points: list[tuple[float, float]]) -> dict:
    """Time the full scan; check it agrees with the near query (same ranking, same page)."""
    from django.db import reset_queries

    times, agree = [], True
    for latitude, longitude in points:
        reset_queries()
        started = time.perf_counter()
        full, full_page = full_scan_query(latitude, longitude)
        times.append(time.perf_counter() - started)
        near, near_page = near_query(latitude, longitude)
        same_page = [v.pk for v in full_page] == [v.pk for v in near_page]
        agree = agree and full.ranking == near.ranking and same_page
    reset_queries()
    return {"full_median_ms": ms(statistics.median(times)), "reps": len(points), "agree": agree}


def explain(latitude: float, longitude: float) -> str:
    from django.db import connection

    select, via_cursor = candidate_select_sql(latitude, longitude)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {select}")
        report = [select, "", *(row[0] for row in cursor.fetchall())]
        if via_cursor:
            # The planner optimises a cursor for its first rows (cursor_tuple_fraction).
            cursor.execute(f"EXPLAIN DECLARE bench_cursor NO SCROLL CURSOR WITH HOLD FOR {select}")
            report += ["", "As the app's server-side cursor (plan only):"]
            report += [row[0] for row in cursor.fetchall()]
    return "\n".join(report)


# --- report ---------------------------------------------------------------------------------


def print_tables(rows: list[dict]) -> None:
    cpu_known = all(row["cpu_clock"] for row in rows)
    print()
    print(f"Near query: radius {RADIUS_M:.0f} m, ranking + first page of {PAGE_SIZE}")
    header = (
        f"{'size':>9} | {'median ms':>9} | {'p90 ms':>8} | {'mean cand.':>10} | "
        f"{'mean results':>12} | {'full-scan median ms':>19} | {'reps':>4} | agree"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['size']:>9,} | {row['median_ms']:>9.2f} | {row['p90_ms']:>8.2f} | "
            f"{row['mean_candidates']:>10.1f} | {row['mean_results']:>12.1f} | "
            f"{row['full_median_ms']:>19,.0f} | {row['reps']:>4} | "
            f"{'yes' if row['agree'] else 'NO'}"
        )
    print()
    print(
        "Where the time goes (medians, ms; the last three are measured apart from the timed runs)"
    )
    header = (
        f"{'size':>9} | {'CPU':>5} | {'CPU wait':>8} | {'venues_near':>11} | {'page load':>9} | "
        f"{'bbox SQL alone':>14} | {'geodesics':>9} | {'us/geodesic':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        cpu = f"{row['cpu_median_ms']:>5.2f}" if cpu_known else f"{'n/a':>5}"
        waited = f"{row['waited_median_ms']:>8.2f}" if cpu_known else f"{'n/a':>8}"
        print(
            f"{row['size']:>9,} | {cpu} | {waited} | {row['ranking_ms']:>11.2f} | "
            f"{row['page_ms']:>9.2f} | {row['sql_ms']:>14.2f} | {row['geodesic_ms']:>9.2f} | "
            f"{row['geodesic_us_each']:>11.1f}"
        )
    if cpu_known:
        print(
            "CPU: client + PostgreSQL backend CPU time per query; CPU wait: time they were "
            "runnable\nbut other processes held the CPUs (0 on an idle machine)."
        )


def print_verdict(rows: list[dict]) -> None:
    by_size = {row["size"]: row for row in rows}
    if 100_000 not in by_size:
        return
    figures = [("wall", "median_ms")]
    if by_size[100_000]["cpu_clock"]:
        figures.append(("CPU", "cpu_median_ms"))
    print()
    for label, key in figures:
        at_100k = by_size[100_000][key]
        verdict = "met" if at_100k < 5 else "NOT met"
        print(f"Goal, {label} median under 5 ms at 100k: {at_100k:.2f} ms -> {verdict}")
        if 1_000_000 in by_size:
            at_1m = by_size[1_000_000][key]
            print(
                f"Goal, {label} median at 1M under 2x that at 100k ({2 * at_100k:.2f} ms): "
                f"{at_1m:.2f} ms ({at_1m / at_100k:.1f}x) -> "
                f"{'met' if at_1m < 2 * at_100k else 'NOT met'}; under 2x 5 ms: "
                f"{'met' if at_1m < 10 else 'NOT met'}"
            )


def run(args: argparse.Namespace, database: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(f"Database {database}: {cursor.fetchone()[0]}")
    print(f"Migrated in {time.perf_counter() - started:.1f} s")
    factory = VenueFactory(create_councils())
    points = random_points(QUERY_SEED, args.queries)
    rows = []
    for size in args.sizes:
        seconds = factory.grow_to(size)
        print(f"\n{size:,} venues: filled (COPY + VACUUM ANALYZE) in {seconds:.1f} s", flush=True)
        print(f"  load average before timing: {load_average()}", flush=True)
        row = {"size": size, **measure_near(points, args.rounds)}
        rounds = ", ".join(
            f"{median:.2f} ms (probe {probe:.0f} us)"
            for median, probe in zip(row["round_medians_ms"], row["probes_us"], strict=True)
        )
        print(f"  near rounds: {rounds}")
        print(
            f"  near: median {row['median_ms']:.2f} ms, p90 {row['p90_ms']:.2f} ms, "
            f"CPU {row['cpu_median_ms']:.2f} ms, CPU wait {row['waited_median_ms']:.2f} ms",
            flush=True,
        )
        row.update(measure_full_scan(points[: full_scan_reps(size, args.full_scan_reps)]))
        print(f"  full scan: median {row['full_median_ms']:,.0f} ms", flush=True)
        rows.append(row)
    name, latitude, longitude = EXPLAIN_POINT
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) at {args.sizes[-1]:,} venues, {name}:")
    print(explain(latitude, longitude))
    print_tables(rows)
    print_verdict(rows)
    print(f"\nTotal time {time.perf_counter() - started:.0f} s; load average {load_average()}")


def main() -> None:
    args = parse_args()
    database = f"bench_geo_{os.getpid()}"
    create_database(database)
    try:
        setup_django(database)
        run(args, database)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database(database)
        print(f"Dropped database {database}")


if __name__ == "__main__":
    main()
