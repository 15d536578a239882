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
"""

import secrets
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


class SlidingWindowThrottle(throttling.SimpleRateThrottle):
    """``SimpleRateThrottle`` with its window kept in Redis by one script call."""

    def allow_request(self, request, view):
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
