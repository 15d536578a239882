"""Ledger balance and posting cost at 1k and at 1M entries on one account (PostgreSQL only).

Creates a fresh database ``bench_ledger_<pid>``, migrates it (``manage.py migrate`` in a
subprocess), fills one wallet account with 1k, then 1M, one-point earns by COPY, and times
(median of many reps): reading the balance (`rewards.ledger.services.balance`, from the account
row), posting one 2-leg transaction to the account, and, for comparison, the django-hordak way
of computing a balance: SUM over the account's entries. The database is dropped at the end.

The fill disables the user triggers of ``rewards_entry`` (the deferred zero-sum check) while it
copies, because checking 2M legs one by one at commit only slows the fill: the rows are
balanced pairs by construction, and the triggers are enabled again before anything is timed.

    DATABASE_SERVER=postgresql://postgres@127.0.0.1:5432 .venv/bin/python bench/ledger_balance.py
"""

import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_SERVER", "postgresql://postgres@127.0.0.1:5432")
SIZES = [1_000, 1_000_000]
BALANCE_REPS = 3000
POST_REPS = 400
SUM_REPS = 21


def median_ms(action, reps: int) -> float:
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def fill(wallet_id: int, pool_id: int, start: int, stop: int) -> None:
    """Earns number ``start`` to ``stop - 1``: one transaction and two legs each."""
    from django.db import connection

    count = stop - start
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE rewards_entry DISABLE TRIGGER USER")
        raw = cursor.connection
        ids = [uuid.uuid4() for _ in range(count)]
        with raw.cursor().copy(
            "COPY rewards_ledgertransaction (id, kind, idempotency_key, request_hash, memo,"
            " reference, created_at) FROM STDIN"
        ) as copy:
            for number, txn_id in zip(range(start, stop), ids, strict=True):
                copy.write_row((txn_id, "earn", f"bench:{number}", "bench", "", "", "now"))
        with raw.cursor().copy(
            "COPY rewards_entry (transaction_id, account_id, asset, amount, created_at) FROM STDIN"
        ) as copy:
            for txn_id in ids:
                copy.write_row((txn_id, pool_id, "POINTS", -1, "now"))
                copy.write_row((txn_id, wallet_id, "POINTS", 1, "now"))
        cursor.execute("ALTER TABLE rewards_entry ENABLE TRIGGER USER")
        cursor.execute(
            "UPDATE rewards_ledgeraccount SET credits_posted = credits_posted + %s WHERE id = %s",
            [count, wallet_id],
        )
        cursor.execute(
            "UPDATE rewards_ledgeraccount SET debits_posted = debits_posted + %s WHERE id = %s",
            [count, pool_id],
        )
        cursor.execute("ANALYZE rewards_entry")
        cursor.execute("ANALYZE rewards_ledgertransaction")


def measure(size: int, wallet, pool, keys) -> dict[str, float]:
    from django.db.models import Sum

    from rewards.ledger.models import Entry
    from rewards.ledger.services import Leg, balance, ledger_post

    def post_one():
        ledger_post(kind="adjust", legs=[Leg(pool, -1), Leg(wallet, 1)], idempotency_key=next(keys))

    def hordak_sum():
        Entry.objects.filter(account=wallet).aggregate(total=Sum("amount"))

    return {
        "balance": median_ms(lambda: balance(wallet), BALANCE_REPS),
        "post": median_ms(post_one, POST_REPS),
        "sum": median_ms(hordak_sum, SUM_REPS),
    }


def run(database: str) -> None:
    url = f"{SERVER_URL}/{database}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update({"DATABASE_URL": url, "DEBUG": "true"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from rewards.ledger.audit import ledger_breaches
    from rewards.ledger.models import Asset
    from rewards.ledger.services import account_get_or_create

    wallet = account_get_or_create(name="wallet:bench", asset=Asset.POINTS, min_balance=0)
    pool = account_get_or_create(name="pool:bench", asset=Asset.POINTS)
    keys = (f"bench-post:{number}" for number in range(10**9))
    results = {}
    filled = 0
    for size in SIZES:
        started = time.perf_counter()
        fill(wallet.pk, pool.pk, filled, size)
        filled = size
        print(f"filled {size:>9,} entries on the account in {time.perf_counter() - started:.1f} s")
        results[size] = measure(size, wallet, pool, keys)
        print(
            f"{size:>9,} entries: balance {results[size]['balance']:.3f} ms, "
            f"post {results[size]['post']:.3f} ms, SUM over entries {results[size]['sum']:.3f} ms"
        )
    small, large = results[SIZES[0]], results[SIZES[-1]]
    for name in ("balance", "post", "sum"):
        print(f"{name:>8}: 1M/1k = {large[name] / small[name]:.2f}x")
    assert ledger_breaches() == [], "the benchmark left the ledger unsound"
    connection.close()


def main() -> None:
    database = f"bench_ledger_{os.getpid()}"
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        run(database)
    finally:
        with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )


if __name__ == "__main__":
    main()
