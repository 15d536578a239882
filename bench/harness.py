"""What the check-in benchmarks share: a throw-away PostgreSQL database, the environment of the
project under production settings, and the seeded world (councils, venues, residents with
tokens and history, the rewarding offers).

The world: two councils whose venues all sit within ``VENUE_SPREAD_M`` of one point, each with
a 100 m radius, so any two venues are closer than the sum of their radii and no pair of
check-ins is ever impossible travel. The first council has no offer: its check-ins are the
"no live offer" case. Every venue of the second has two offers of its own, made by
``rewards.offers.services.offer_create``: 10 points on every check-in, and a voucher on every
check-in with ``per_user_limit=1`` (one per resident and venue). The benchmarks never repeat a
(resident, venue) pair, so every check-in there earns both: the "rewarding" case is the worst
case of two live offers, each limit counted, each reward posted. Offers of the venue rather
than of the council spread the pool accounts' row locks over the venues (one council-wide pool
would serialise every rewarding check-in on one row: a different question).
"""

import json
import math
import os
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SERVER_URL = os.environ.get("DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432")
HOST = "127.0.0.1"
CHECKIN_PATH = "/api/v1/checkins/"

CENTRE = (51.536387, 0.079994)  # Barking Town Square
VENUE_SPREAD_M = 70.0
VENUE_RADIUS_M = 100
ACCURACY_M = 10.0
SEED = 20251125
HISTORY_DAYS = 60  # seeded past check-ins are 1 to 60 days old: outside every cooldown
OFFER_POINTS = 10

NO_OFFER = "no-offer"
REWARDING = "rewarding"
CASES = (NO_OFFER, REWARDING)


# --- database and environment ---------------------------------------------------------------


def create_database(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str) -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def bench_env(database: str, redis_url: str, cache_prefix: str) -> dict[str, str]:
    """Production settings (DEBUG off) on ``database``, Redis for the cache (throttles), the
    throttles raised out of the way and day-long access tokens."""
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
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=cache_prefix,
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
            timeout=180,
        )
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"manage.py migrate failed (exit {exc.returncode}), see above") from exc
    return time.perf_counter() - started


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


# --- the seeded world -----------------------------------------------------------------------


@dataclass
class World:
    venues: dict[str, list[tuple[str, float, float]]]  # case -> [(id, latitude, longitude)]
    resident_ids: list[str]
    tokens: list[str]  # one access token per resident

    def checkin(self, case: str, index: int) -> tuple[bytes, str]:
        """The JSON body and the token of check-in number ``index`` of ``case``: resident
        ``index % R`` at venue ``index // R`` (plus the resident's own offset), so that no
        (resident, venue) pair repeats while ``index < R * V`` and the requests in flight hit
        different venues."""
        residents, venues = len(self.tokens), self.venues[case]
        resident = index % residents
        venue_id, latitude, longitude = venues[(index // residents + resident) % len(venues)]
        body = {
            "venue": venue_id,
            "latitude": latitude,
            "longitude": longitude,
            "accuracy_m": ACCURACY_M,
        }
        return json.dumps(body).encode(), self.tokens[resident]

    def capacity(self, case: str) -> int:
        """How many check-ins of ``case`` can be made before a (resident, venue) pair repeats."""
        return len(self.tokens) * len(self.venues[case])


def offset_point(rng: random.Random, spread_m: float) -> tuple[float, float]:
    """A random point within ``spread_m`` of CENTRE (uniform over the disc)."""
    distance = spread_m * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    latitude = CENTRE[0] + distance * math.cos(bearing) / 111_320
    longitude = CENTRE[1] + distance * math.sin(bearing) / (
        111_320 * math.cos(math.radians(CENTRE[0]))
    )
    return latitude, longitude


def seed(venues_per_case: int, resident_count: int, history: int) -> World:
    """The world of the module's docstring; ``history`` past check-ins per resident, at
    random venues of either council, 1 to 60 days old (no first-ever check-in is timed)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User
    from checkins.models import CheckIn, CheckinMethod
    from checkins.visit_days import visit_days_rebuild
    from rewards.offers.services import offer_create
    from venues.models import Council, Venue

    rng = random.Random(SEED)
    venues: dict[str, list] = {}
    for number, case in enumerate(CASES):
        council = Council.objects.create(slug=f"bench-{case}", name=f"Bench Council {number}")
        venues[case] = Venue.objects.bulk_create(
            Venue(
                council=council,
                name=f"Bench Library {case} {i:04d}",
                slug=f"bench-library-{case}-{i:04d}",
                category=Venue.Category.LIBRARY,
                address=f"{i + 1} Town Square, Barking",
                postcode="IG11 7NB",
                latitude=latitude,
                longitude=longitude,
                radius_m=VENUE_RADIUS_M,
            )
            for i, (latitude, longitude) in enumerate(
                offset_point(rng, VENUE_SPREAD_M) for _ in range(venues_per_case)
            )
        )
    for venue in venues[REWARDING]:
        offer_create(
            council=None,
            venue=venue,
            created_by=None,
            title="Ten points a visit",
            rule="every_checkin",
            points=OFFER_POINTS,
        )
        offer_create(
            council=None,
            venue=venue,
            created_by=None,
            title="A hot drink on us",
            rule="every_checkin",
            voucher_title="One free hot drink at the cafe",
            per_user_limit=1,
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
    every_venue = [venue for case in CASES for venue in venues[case]]
    now = timezone.now()
    past = [
        CheckIn(
            resident=resident,
            venue=venue,
            method=CheckinMethod.GPS,
            evidence="location",
            distance_m=0.0,
            latitude=venue.latitude,
            longitude=venue.longitude,
            accuracy_m=ACCURACY_M,
            created_at=now - timedelta(seconds=rng.uniform(86_400, HISTORY_DAYS * 86_400)),
        )
        for resident in residents
        for venue in rng.choices(every_venue, k=history)
    ]
    CheckIn.objects.bulk_create(past, batch_size=5000)
    visit_days_rebuild()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL)"
        )
        cursor.execute("ANALYZE")
    return World(
        venues={
            case: [(str(venue.pk), venue.latitude, venue.longitude) for venue in venues[case]]
            for case in CASES
        },
        resident_ids=[str(resident.pk) for resident in residents],
        tokens=[str(AccessToken.for_user(resident)) for resident in residents],
    )


def code_version() -> str:
    """The commit of the code under test, marked when the work tree has changes."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit
