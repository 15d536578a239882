"""A real Celery worker, for tests that prove a task runs out of process as in production.

``running_worker()`` starts ``celery -A backend worker`` as a subprocess on the production
settings module, pointed at the test database and at the Redis broker of the settings; while it
runs, the test's ``.delay()`` calls go through the broker to that worker instead of running
in-process. A second process cannot see SQLite's in-memory test database, nor rows a test's
transaction has not committed: use it on PostgreSQL with Redis, in
``@pytest.mark.django_db(transaction=True)`` tests.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from backend import celery_app

READY_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10


def current_database_url() -> str:
    """The DATABASE_URL of the database this test process uses (pytest-django's test one)."""
    database = connection.settings_dict
    user = quote(database["USER"] or "", safe="")
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user or password else ""
    host = database["HOST"] or "localhost"
    if host.startswith("/"):  # a Unix socket directory
        host = quote(host, safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgresql://{credentials}{host}{port}/{quote(database['NAME'], safe='')}"


def wait_until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


@contextmanager
def running_worker(
    *, extra_env: dict[str, str] | None = None, purge: bool = True
) -> Iterator[subprocess.Popen]:
    """Run a one-process worker for the duration of the block (the block gets its process);
    ``extra_env`` adds to (or overrides) its environment; ``purge=False`` keeps what earlier
    workers left in the broker. Any failure inside the block, or of the worker to start, is
    raised as an AssertionError carrying the worker's log."""
    assert connection.vendor == "postgresql", "a worker process cannot see a SQLite test database"
    assert settings.CELERY_BROKER_URL, "set REDIS_URL (or CELERY_BROKER_URL): a worker needs one"
    node = f"test-{os.getpid()}-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backend.settings",
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        **(extra_env or {}),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "backend", "worker"),
        *("--pool=solo", "--concurrency=1", "--loglevel=INFO", f"--hostname={node}"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat"),
    ]
    if purge:
        celery_app.control.purge()  # nothing left over from an earlier run reaches this worker
    with tempfile.TemporaryDirectory(prefix="celery-worker-") as scratch:
        log_path = Path(scratch) / "worker.log"

        def worker_log() -> str:
            return log_path.read_text(errors="replace")

        with log_path.open("w") as log:
            worker = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        def answers_ping() -> bool:
            if worker.poll() is not None:
                raise AssertionError(
                    f"the worker exited with code {worker.returncode}\n{worker_log()}"
                )
            return bool(celery_app.control.ping(destination=[node], timeout=0.5, limit=1))

        previous_eager = celery_app.conf.task_always_eager
        try:
            if not wait_until(answers_ping, timeout=READY_TIMEOUT_SECONDS):
                raise AssertionError(
                    f"the worker was not ready after {READY_TIMEOUT_SECONDS} s\n{worker_log()}"
                )
            celery_app.conf.task_always_eager = False
            worker.read_log = worker_log  # what the worker has written so far
            try:
                yield worker
            except Exception as error:
                raise AssertionError(f"{error}\n\n--- worker log ---\n{worker_log()}") from error
        finally:
            celery_app.conf.task_always_eager = previous_eager
            worker.terminate()  # warm shutdown: a task in hand finishes first
            try:
                worker.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
