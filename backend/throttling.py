"""The API's rate limits (DRF throttles) in one Redis round trip.

DRF's ``SimpleRateThrottle`` keeps each client's recent request times as a list in the cache:
a GET and a SET per request (two round trips, a pickle each way; Django's Redis backend also
builds a redis-py client for each call), and two processes can both read the list before
either writes it back, so both take the last slot. These classes keep the same sliding window
(a request is allowed while fewer than ``num_requests`` were allowed in the last ``duration``
seconds) in a Redis sorted set, trimmed, counted and appended by one Lua script: one round trip
(EVALSHA), atomic. The answer is DRF's: ``429 throttled`` with ``Retry-After`` (its ``wait()``).

Without Redis as the cache (the local-memory cache of `make run` and the SQLite test runs),
DRF's own implementation runs unchanged.

Each throttle that judged a request notes what it saw (``RateLimitState``) on the request, and
``RateLimitHeadersMiddleware`` sends the tightest as ``RateLimit-Limit``, ``RateLimit-Remaining``
and ``RateLimit-Reset`` (seconds; the IETF httpapi rate-limit headers draft), so an app can slow
down before it is refused.
"""

import math
import secrets
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from redis.commands.core import Script
from rest_framework import throttling

# KEYS[1]: the client's sorted set of allowed request times (score = time in seconds).
# ARGV: now, duration (seconds), num_requests, a unique member for this request.
# Returns {1 if allowed, requests in the window (this one included if allowed), oldest time}.
SLIDING_WINDOW_LUA = """
local now, duration, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
    redis.call('ZADD', KEYS[1], now, ARGV[4])
    redis.call('EXPIRE', KEYS[1], duration + 1)
    count = count + 1
    allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2] or ARGV[1]
return {allowed, count, oldest}
"""
_script = Script(None, SLIDING_WINDOW_LUA.encode())  # its SHA1 is computed here, once

# One redis-py client per cache backend (Django's backend makes a new one on every call).
_clients: WeakKeyDictionary = WeakKeyDictionary()


def _redis_client(backend: RedisCache):
    client = _clients.get(backend)
    if client is None:
        client = _clients[backend] = backend._cache.get_client(write=True)
    return client


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset_seconds: int


STATES_ATTRIBUTE = "rate_limit_states"


class SlidingWindowThrottle(throttling.SimpleRateThrottle):
    """``SimpleRateThrottle`` with its window kept in Redis by one script call."""

    def allow_request(self, request, view):
        allowed = self._allow_request(request, view)
        state = self._state()
        if state is not None:
            django_request = getattr(request, "_request", request)
            states = getattr(django_request, STATES_ATTRIBUTE, None)
            if states is None:
                states = []
                setattr(django_request, STATES_ATTRIBUTE, states)
            states.append(state)
        return allowed

    def _state(self) -> RateLimitState | None:
        """What the last ``allow_request`` saw: None if this throttle did not apply."""
        if getattr(self, "key", None) is None or not hasattr(self, "now"):
            return None
        if hasattr(self, "count"):  # the Redis window
            used, oldest = self.count, self.oldest
        else:  # DRF's list: newest first, this request included when allowed
            used = len(self.history)
            oldest = self.history[-1] if self.history else self.now
        remaining = max(self.num_requests - used, 0)
        reset = max(self.duration - (self.now - oldest), 0) if used else 0
        return RateLimitState(self.num_requests, remaining, math.ceil(reset))

    def _allow_request(self, request, view):
        backend = caches[DEFAULT_CACHE_ALIAS]
        if not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        allowed, self.count, oldest = _script(
            keys=[backend.make_and_validate_key(f"{self.key}:window")],
            args=[repr(self.now), self.duration, self.num_requests, secrets.token_hex(8)],
            client=_redis_client(backend),
        )
        self.oldest = float(oldest)
        return bool(allowed)

    def wait(self):
        if not hasattr(self, "count"):  # DRF's implementation answered
            return super().wait()
        # DRF's estimate: the time until the oldest request leaves the window, shared by the
        # requests still available then.
        remaining_duration = self.duration - (self.now - self.oldest)
        available_requests = self.num_requests - self.count + 1
        if available_requests <= 0:
            return None
        return remaining_duration / float(available_requests)


class AnonRateThrottle(throttling.AnonRateThrottle, SlidingWindowThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, SlidingWindowThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, SlidingWindowThrottle):
    pass


class RateLimitHeadersMiddleware:
    """Sends the tightest limit a throttle applied to the request (the fewest requests left; of
    equals, the longest to wait) as ``RateLimit-*`` headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        states = getattr(request, STATES_ATTRIBUTE, None)
        if states:
            tightest = min(states, key=lambda state: (state.remaining, -state.reset_seconds))
            response["RateLimit-Limit"] = str(tightest.limit)
            response["RateLimit-Remaining"] = str(tightest.remaining)
            response["RateLimit-Reset"] = str(tightest.reset_seconds)
        return response
