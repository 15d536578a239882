"""The insight dashboard of a council with 1M check-ins, on PostgreSQL (the aim: < 500 ms).

Creates a fresh database ``bench_insight_<pid>``, migrates it, and fills one council of 50
venues with 20k residents and 1M check-ins spread over the last 365 days (by SQL
``generate_series``), plus 5k comments. Then it times full page renders (session, access
checks, every query, the template) through Django's test client for the 30- and 90-day
periods, alternating them, and prints the medians. The database is dropped at the end.

    DATABASE_SERVER=postgresql://postgres@127.0.0.1:5432 .venv/bin/python bench/insight_dashboard.py

A council of many venues (issue 24: 50,000 venues made a 40 MB page in 16 s):

    INSIGHT_BENCH_VENUES=50000 INSIGHT_BENCH_CHECKINS=200000 INSIGHT_BENCH_REPS=3 \
      DATABASE_SERVER=... .venv/bin/python bench/insight_dashboard.py
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432")
CHECKINS = int(os.environ.get("INSIGHT_BENCH_CHECKINS", 1_000_000))
RESIDENTS = 20_000
VENUES = int(os.environ.get("INSIGHT_BENCH_VENUES", 50))
REPS = int(os.environ.get("INSIGHT_BENCH_REPS", 15))


def main() -> None:
    name = f"bench_insight_{os.getpid()}"
    with psycopg.connect(SERVER_URL + "/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        run(f"{SERVER_URL}/{name}")
    finally:
        with psycopg.connect(SERVER_URL + "/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def run(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update({"DATABASE_URL": url, "DEBUG": "true", "ALLOWED_HOSTS": "testserver"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from venues.models import Council, Role, Venue

    council = Council.objects.create(slug="bench", name="Bench Council")
    venues = [
        Venue(council=council, name=f"Venue {n:05d}", slug=f"venue-{n:05d}", category="library",
              address="1 High St",
              postcode="IG11 7NB", latitude=51.5, longitude=0.08)
        for n in range(VENUES)
    ]  # fmt: skip
    Venue.objects.bulk_create(venues)
    admin = User.objects.create_user(email="admin@bench.test", password="x", display_name="A")
    Role.objects.create(user=admin, council=council, role=Role.Kind.COUNCIL_ADMIN)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, display_name, is_active,
                                       is_staff, date_joined)
            SELECT gen_random_uuid(), '!', false, 'r' || n || '@bench.test', 'R' || n, true,
                   false, now()
            FROM generate_series(1, %s) n
            """,
            [RESIDENTS],
        )
        cursor.execute(
            """
            WITH r AS (SELECT array_agg(id) ids FROM accounts_user WHERE email LIKE 'r%%'),
                 v AS (SELECT array_agg(id) ids FROM venues_venue WHERE council_id = %s)
            INSERT INTO checkins_checkin (id, resident_id, venue_id, method, distance_m, created_at)
            SELECT gen_random_uuid(),
                   r.ids[1 + floor(random() * %s)::int],
                   v.ids[1 + floor(random() * %s)::int],
                   'gps', 5, now() - random() * interval '365 days'
            FROM generate_series(1, %s), r, v
            """,
            [council.pk, RESIDENTS, VENUES, CHECKINS],
        )
        cursor.execute(
            """
            WITH r AS (SELECT array_agg(id) ids FROM accounts_user WHERE email LIKE 'r%%'),
                 v AS (SELECT array_agg(id) ids FROM venues_venue WHERE council_id = %s)
            INSERT INTO checkins_comment (id, venue_id, author_id, body, rating, status,
                                          hidden_reason, created_at)
            SELECT gen_random_uuid(), v.ids[1 + floor(random() * %s)::int],
                   r.ids[1 + floor(random() * %s)::int], 'Nice', 1 + floor(random() * 5)::int,
                   'visible', '', now() - random() * interval '365 days'
            FROM generate_series(1, 5000), r, v
            """,
            [council.pk, VENUES, RESIDENTS],
        )
    from django.db import transaction

    from checkins.visit_days import visit_days_rebuild

    with transaction.atomic():  # the daily rollup, as the migration and the command build it
        visit_days = visit_days_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled {CHECKINS:,} check-ins ({visit_days:,} visit days) "
        f"in {time.perf_counter() - started:.0f} s"
    )
    client = Client()
    client.force_login(admin)
    samples: dict[str, list[float]] = {"30": [], "90": []}
    sizes: dict[str, int] = {}
    for period in ("30", "90"):  # warm-up
        assert client.get("/insight/bench/", {"period": period}).status_code == 200
    for _ in range(REPS):
        for period in samples:  # alternated
            started = time.perf_counter()
            response = client.get("/insight/bench/", {"period": period})
            samples[period].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            sizes[period] = len(response.content)
    if os.environ.get("INSIGHT_BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, "/insight/bench/", {"period": "30"})
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    for period, values in samples.items():
        print(
            f"period {period:>2} days: median {statistics.median(values):.0f} ms, "
            f"min {min(values):.0f} ms, max {max(values):.0f} ms ({REPS} renders), "
            f"{sizes[period] / 1024:.0f} KB, {VENUES:,} venues"
        )


if __name__ == "__main__":
    main()
