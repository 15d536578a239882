"""The API's throttles (backend/throttling.py): DRF's sliding window, kept in Redis by one script
call when Redis is the cache, DRF's own implementation on any other cache. Each behaviour runs
on both caches (the Redis one skips without REDIS_URL), so the two cannot drift apart."""

import threading
import uuid
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from backend import throttling
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

needs_redis = pytest.mark.skipif(
    not django_settings.REDIS_URL, reason="needs Redis (REDIS_URL); CI runs it"
)
LOCAL_MEMORY = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(params=["local memory", pytest.param("redis", marks=needs_redis)])
def cache_kind(request, settings):
    """The test runs with each kind of cache in turn."""
    if request.param == "local memory":
        settings.CACHES = LOCAL_MEMORY
    assert isinstance(caches["default"], RedisCache) == (request.param == "redis")
    cache.clear()
    return request.param


class Clock:
    """A throttle's ``timer``: callable, and not bound as a method when set on the class."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(1_800_000_000.0)
    monkeypatch.setattr(SimpleRateThrottle, "timer", frozen)
    return frozen


@pytest.fixture
def rates(monkeypatch):
    def set_rates(**changes: str) -> None:
        monkeypatch.setattr(
            SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, **changes}
        )

    return set_rates


def ask(user, scope: str = "checkins") -> tuple[bool, float | None]:
    """One request of ``user`` through a fresh scoped throttle: (allowed, wait)."""
    throttle = throttling.ScopedRateThrottle()
    request = RequestFactory().post("/api/v1/checkins/")
    request.user = user
    allowed = throttle.allow_request(request, SimpleNamespace(throttle_scope=scope))
    return allowed, None if allowed else throttle.wait()


def gps(venue) -> dict:
    return {
        "venue": str(venue.id),
        "latitude": venue.latitude,
        "longitude": venue.longitude,
        "accuracy_m": 10,
    }


def test_check_ins_over_the_rate_are_refused_429_with_retry_after(cache_kind, clock, rates):
    rates(checkins="2/min")
    client = client_for(UserFactory())
    venues = VenueFactory.create_batch(3)
    for venue in venues[:2]:
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    clock.now += 15
    response = client.post("/api/v1/checkins/", gps(venues[2]), format="json")
    assert response.status_code == 429
    assert response.json() == {
        "code": "throttled",
        "detail": "Request was throttled. Expected available in 45 seconds.",
    }
    assert response["Retry-After"] == "45"
    clock.now += 46
    success(client, "post", "/api/v1/checkins/", gps(venues[2]), status=201)


def test_the_window_slides_as_drf_defines_it(cache_kind, clock, rates):
    rates(checkins="2/min")
    user = UserFactory()
    start = clock.now
    assert ask(user) == (True, None)
    clock.now = start + 30
    assert ask(user) == (True, None)
    clock.now = start + 59
    assert ask(user) == (False, pytest.approx(1))  # the first leaves the window at +60
    clock.now = start + 60.5
    assert ask(user) == (True, None)
    clock.now = start + 62
    assert ask(user) == (False, pytest.approx(28))  # the one at +30 leaves at +90


def test_a_refused_request_does_not_count(cache_kind, clock, rates):
    rates(checkins="1/min")
    user = UserFactory()
    start = clock.now
    assert ask(user)[0]
    for seconds in (10, 20, 30):
        clock.now = start + seconds
        assert not ask(user)[0]
    clock.now = start + 61
    assert ask(user)[0]


def test_each_user_and_scope_has_its_own_window(cache_kind, clock, rates):
    rates(checkins="1/min", comments="1/min")
    rosa, sam = UserFactory(), UserFactory()
    assert ask(rosa)[0] and not ask(rosa)[0]
    assert ask(sam)[0]
    assert ask(rosa, scope="comments")[0]


def test_the_per_user_rate_holds_on_every_api_call(cache_kind, rates):
    rates(user="1/min")
    client = client_for(UserFactory())
    success(client, "get", "/api/v1/me/")
    error(client, "get", "/api/v1/me/", status=429, code="throttled")


def redis_commands_during(action) -> list[str]:
    """The commands that clients sent to the test's Redis database while ``action`` ran
    (MONITOR sees every client's, and the commands a script runs, which are left out; a
    marker sent afterwards says where the action's end)."""
    watcher, marker_client = (redis.Redis.from_url(django_settings.REDIS_URL) for _ in "ab")
    database = watcher.connection_pool.connection_kwargs.get("db", 0)
    marker = f"end-of-action-{uuid.uuid4().hex}"
    marker_client.ping()  # connected (and its database selected) before the watch
    commands = []
    with watcher.monitor() as monitor:
        action()
        marker_client.echo(marker)
        while marker not in (command := monitor.next_command())["command"]:
            if command["db"] == database and command["client_type"] != "lua":
                commands.append(command["command"])
    watcher.close()
    marker_client.close()
    return commands


@needs_redis
def test_a_check_in_costs_one_redis_round_trip(rates):
    rates(checkins="5/min")
    client = client_for(UserFactory())
    first, second = VenueFactory.create_batch(2)
    success(client, "post", "/api/v1/checkins/", gps(first), status=201)  # loads the script

    commands = redis_commands_during(
        lambda: success(client, "post", "/api/v1/checkins/", gps(second), status=201)
    )

    assert len(commands) == 1, commands
    assert commands[0].startswith("EVALSHA ")


@needs_redis
def test_a_script_flushed_from_redis_is_loaded_again(rates):
    rates(checkins="5/min")
    user = UserFactory()
    assert ask(user)[0]
    redis.Redis.from_url(django_settings.REDIS_URL).script_flush()
    assert ask(user)[0]


@needs_redis
def test_parallel_requests_never_pass_the_limit_together(rates):
    """DRF's read-then-write lets two processes take the last slot; the script cannot."""
    rates(checkins="5/min")
    user = UserFactory()
    ask(user)  # the script is loaded before the race
    cache.clear()
    start = threading.Barrier(40)
    answers = []

    def request():
        start.wait()
        answers.append(ask(user)[0])

    threads = [threading.Thread(target=request) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers.count(True) == 5 and len(answers) == 40


def test_the_throttling_message_is_welsh_to_the_end_for_a_welsh_reader(cache_kind, clock, rates):
    rates(checkins="2/min")
    client = client_for(UserFactory())
    venues = VenueFactory.create_batch(3)
    for venue in venues[:2]:
        success(client, "post", "/api/v1/checkins/", gps(venue), status=201)
    clock.now += 15
    response = client.post(
        "/api/v1/checkins/", gps(venues[2]), format="json", HTTP_ACCEPT_LANGUAGE="cy"
    )
    assert response.status_code == 429
    assert response.json() == {
        "code": "throttled",
        "detail": "Gormod o geisiadau. Rhowch gynnig arall arni ymhen 45 eiliad.",
    }
