"""The Foursquare client's retry policy: urllib3's ``Retry`` with a first retry that waits."""

import random

from urllib3.util.retry import Retry

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class BackoffRetry(Retry):
    """urllib3's Retry, except that the first retry waits too: urllib3 retries the first
    failure at once, which is what a 429 without Retry-After must not get. Waits
    ``backoff_factor * 2**(n-1)`` plus up to ``backoff_jitter`` of jitter, at most
    ``backoff_max``; a Retry-After, when sent, is honoured instead (urllib3's own logic)."""

    def get_backoff_time(self) -> float:
        failures = len(self.history)
        if failures == 0:
            return 0.0
        wait = self.backoff_factor * 2 ** (failures - 1)
        if self.backoff_jitter:
            wait += random.random() * self.backoff_jitter
        return max(0.0, min(self.backoff_max, wait))
