"""Celery: the settings, the beat schedule, each periodic task, the broker in /readyz, and one
task carried out by a real worker process (PostgreSQL and Redis)."""

import io
import json
import runpy
import socket
import time
from datetime import timedelta

import pytest
from celery.result import EagerResult
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from backend import celery_app
from backend.models import IdempotencyRecord
from backend.observability import request_id_var
from backend.tasks import purge_idempotency_keys
from checkins.models import CheckIn
from checkins.tasks import drop_old_locations
from rewards.catalog.services import catalog_item_create
from rewards.ledger.models import LedgerTransaction
from rewards.schemes.services import council_scheme_ensure
from rewards.vouchers.tasks import expire_vouchers
from rewards.wallet.selectors import points_balance
from rewards.wallet.services import points_credit, sink_account
from rewards.wallet.tasks import expire_points
from tests.celery_worker import running_worker, wait_until
from tests.conftest import is_postgresql
from tests.factories import CouncilFactory, UserFactory, VenueFactory
from tests.rewards.helpers import issued_voucher, lapse

SETTINGS_FILE = django_settings.BASE_DIR / "backend" / "settings.py"


def production_settings(monkeypatch, **env: str) -> dict:
    """backend/settings.py evaluated afresh with these environment variables."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def stale_idempotency_record(user, key: str, hours: int) -> IdempotencyRecord:
    record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint="f", status_code=201)
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )
    return record


# --- Settings ---


def test_without_a_broker_tasks_run_in_process(monkeypatch):
    conf = production_settings(monkeypatch, REDIS_URL="", CELERY_BROKER_URL="")

    assert conf["CELERY_BROKER_URL"] == "" and conf["CELERY_RESULT_BACKEND"] is None
    assert conf["CELERY_TASK_ALWAYS_EAGER"] is True
    assert conf["CELERY_TASK_EAGER_PROPAGATES"] is True


def test_redis_is_the_broker_unless_celery_broker_url_names_another(monkeypatch):
    conf = production_settings(monkeypatch, REDIS_URL="redis://cache:6379/0", CELERY_BROKER_URL="")
    assert conf["CELERY_BROKER_URL"] == conf["CELERY_RESULT_BACKEND"] == "redis://cache:6379/0"
    assert conf["CELERY_TASK_ALWAYS_EAGER"] is False

    conf = production_settings(monkeypatch, CELERY_BROKER_URL="redis://jobs:6379/1")
    assert conf["CELERY_BROKER_URL"] == conf["CELERY_RESULT_BACKEND"] == "redis://jobs:6379/1"
    assert conf["CELERY_TASK_ALWAYS_EAGER"] is False


@pytest.mark.parametrize(
    ("soft", "hard", "visibility"),
    [("600", "600", "3600"), ("600", "3600", "3600")],
    ids=["soft-limit-not-below-hard", "hard-limit-not-below-visibility-timeout"],
)
def test_time_limits_that_would_run_a_task_twice_are_refused(monkeypatch, soft, hard, visibility):
    with pytest.raises(ImproperlyConfigured):
        production_settings(
            monkeypatch,
            CELERY_TASK_SOFT_TIME_LIMIT_SECONDS=soft,
            CELERY_TASK_TIME_LIMIT_SECONDS=hard,
            CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS=visibility,
        )


def test_tests_run_tasks_in_process_even_with_a_broker_configured():
    # Celery reads its configuration once: this is the configuration it actually uses.
    assert celery_app.conf.task_always_eager is True
    assert celery_app.conf.task_eager_propagates is True
    assert celery_app.conf.broker_url == django_settings.CELERY_BROKER_URL


def test_only_json_crosses_the_broker_and_tasks_are_acknowledged_when_done():
    conf = celery_app.conf
    assert conf.accept_content == ["json"]
    assert (conf.task_serializer, conf.result_serializer) == ("json", "json")
    assert conf.task_acks_late is True and conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1


# --- The beat schedule ---


def test_the_beat_schedule_runs_each_job_at_its_london_time():
    schedule = {
        name: (entry["task"], entry["schedule"])
        for name, entry in celery_app.conf.beat_schedule.items()
    }

    assert str(celery_app.timezone) == "Europe/London"
    assert schedule == {
        "foursquare-nightly-sync": (
            "venues.tasks.foursquare_nightly_sync",
            crontab(hour=2, minute=30),
        ),
        "expire-points": ("rewards.tasks.expire_points", crontab(hour=3, minute=10)),
        "expire-vouchers": ("rewards.tasks.expire_vouchers", crontab(hour=3, minute=20)),
        "drop-old-locations": ("checkins.tasks.drop_old_locations", crontab(hour=3, minute=40)),
        "purge-idempotency-keys": ("backend.tasks.purge_idempotency_keys", crontab(minute=5)),
        "purge-token-records": ("accounts.tasks.purge_token_records", crontab(hour=3, minute=50)),
        "stripe-outbox": ("rewards.tasks.stripe_outbox_drain", crontab(minute="*")),
        "alerts-email": ("checkins.tasks.alerts_notify_pending", crontab(minute="*/10")),
        "settle-points-schemes": ("rewards.tasks.settle_points_schemes", crontab(minute=25)),
        "comment-emails": ("checkins.tasks.comment_emails_sweep", crontab(minute="*")),
        "weekly-digest": (
            "insight.tasks.send_weekly_digests",
            crontab(hour=8, minute=0, day_of_week="mon"),
        ),
    }


def test_every_beat_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()  # autodiscovery, as a worker starts

    missing = {
        name: entry["task"]
        for name, entry in celery_app.conf.beat_schedule.items()
        if entry["task"] not in celery_app.tasks
    }

    assert missing == {}


# --- The periodic tasks ---


@pytest.mark.django_db
def test_purge_idempotency_keys_deletes_answers_past_their_ttl(settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    user = UserFactory()
    stale_idempotency_record(user, "old", hours=25)
    recent = stale_idempotency_record(user, "new", hours=23)

    result = purge_idempotency_keys.delay()

    assert isinstance(result, EagerResult)  # in-process: no broker needed
    assert result.get()["deleted"] == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_drop_old_locations_forgets_old_coordinates_and_keeps_distances(settings):
    settings.LOCATION_RETENTION_DAYS = 30
    venue, user = VenueFactory(), UserFactory()
    fix = {
        "method": "gps",
        "evidence": "location",
        "latitude": 51.5,
        "longitude": 0.08,
        "accuracy_m": 8,
    }
    old = CheckIn.objects.create(resident=user, venue=venue, distance_m=12.5, **fix)
    recent = CheckIn.objects.create(resident=user, venue=venue, distance_m=3, **fix)
    CheckIn.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    summary = drop_old_locations.delay().get()

    assert summary == {"checkins_cleared": 1, "attempts_cleared": 0}
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.latitude, old.longitude, old.accuracy_m, old.distance_m) == (None, None, None, 12.5)
    assert (recent.latitude, recent.longitude) == (51.5, 0.08)


@pytest.mark.django_db
def test_expire_points_expires_lapsed_lots_once(resident, settings):
    settings.POINTS_EXPIRY_DAYS = 365
    source = sink_account("source:test")
    long_ago = timezone.now() - timedelta(days=366)
    scheme_id = council_scheme_ensure(council=CouncilFactory()).pk
    earn = {"resident": resident, "scheme_id": scheme_id, "source": source}
    points_credit(**earn, amount=30, idempotency_key="old", now=long_ago)
    points_credit(**earn, amount=20, idempotency_key="fresh")

    assert expire_points.delay().get() == {"lots_expired": 1}
    assert expire_points.delay().get() == {"lots_expired": 0}
    assert points_balance(resident) == 20
    assert LedgerTransaction.objects.filter(kind="expire").count() == 1


@pytest.mark.django_db
def test_expire_vouchers_settles_lapsed_vouchers_once(resident):
    venue = VenueFactory()
    item = catalog_item_create(
        council=venue.council, venue=venue, title="Free coffee", cost_points=50, stock=3
    )
    lapsed, fresh = issued_voucher(resident, item), issued_voucher(resident, item)
    lapse(lapsed)

    assert expire_vouchers.delay().get() == {"vouchers_expired": 1}
    assert expire_vouchers.delay().get() == {"vouchers_expired": 0}
    lapsed.refresh_from_db()
    fresh.refresh_from_db()
    assert (lapsed.status, fresh.status) == ("expired", "issued")


@pytest.mark.django_db
def test_the_purge_command_still_reports_what_it_deleted(settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    stale_idempotency_record(UserFactory(), "old", hours=25)
    out = io.StringIO()

    call_command("purge_idempotency_keys", stdout=out)

    assert out.getvalue().startswith("Deleted 1 idempotency records older than ")


# --- /readyz and the broker ---


def closed_port() -> int:
    """A local port nothing listens on: bound by us, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_readyz_has_no_broker_check_when_jobs_run_in_process(client, settings):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = ""

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": True}


@pytest.mark.django_db
def test_readyz_is_503_quickly_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["broker"] is False
    assert elapsed < 1.5


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL); CI runs it")
@pytest.mark.django_db
def test_readyz_reports_a_broker_that_answers(client, settings):
    settings.CELERY_BROKER_URL = settings.REDIS_URL

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] is True


# --- A real worker ---


@pytest.mark.skipif(
    not (is_postgresql and django_settings.CELERY_BROKER_URL),
    reason="needs PostgreSQL and Redis (REDIS_URL): a worker process cannot see a SQLite test "
    "database, nor data not yet committed; CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_runs_a_task_sent_through_the_broker():
    user = UserFactory()
    stale = stale_idempotency_record(
        user, "stale", hours=django_settings.IDEMPOTENCY_KEY_TTL_HOURS + 1
    )
    recent = stale_idempotency_record(user, "recent", hours=0)

    with running_worker():
        result = purge_idempotency_keys.delay()

        assert not isinstance(result, EagerResult)  # it went through the broker
        assert wait_until(
            lambda: not IdempotencyRecord.objects.filter(pk=stale.pk).exists(), timeout=30
        ), "the worker did not purge the stale record within 30 s"
        assert result.get(timeout=10)["deleted"] == 1

    assert IdempotencyRecord.objects.filter(pk=recent.pk).exists()
    assert celery_app.conf.task_always_eager is True  # restored for the tests that follow


@pytest.mark.skipif(
    not (is_postgresql and django_settings.CELERY_BROKER_URL),
    reason="needs PostgreSQL and Redis (REDIS_URL): a worker process cannot see a SQLite test "
    "database, nor data not yet committed; CI runs it",
)
@pytest.mark.django_db(transaction=True)
def test_the_workers_lines_for_a_job_carry_the_id_of_the_request_that_queued_it():
    queued_by = request_id_var.set("trace-job-0123456789")
    try:
        with running_worker() as worker:
            purge_idempotency_keys.delay().get(timeout=30)
            lines = [json.loads(line) for line in worker.read_log().splitlines() if line[:1] == "{"]
    finally:
        request_id_var.reset(queued_by)

    [purged] = [line for line in lines if line["message"].startswith("Purged idempotency")]
    assert purged["request_id"] == "trace-job-0123456789"
    ready = [line for line in lines if line["message"].endswith(" ready.")]
    assert ready and ready[0]["request_id"] == "-"  # its lines outside the job carry none
