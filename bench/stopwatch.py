"""CPU and wall time spent in chosen functions, without a profiler's distortion.

cProfile charges every Python call, so code made of many small calls (the ORM's query
building, DRF's fields) looks several times dearer than it is beside C code (the geodesic,
psycopg). The stopwatch wraps only the functions named in ``AREAS`` and reads two clocks around
each call (about a microsecond), so its figures add up to the request's real cost. Rows nest:
each includes the rows indented under it. A target that does not exist (code that moved) is
shown as such and skipped.
"""

import functools
import importlib
import time
from collections import defaultdict
from contextlib import contextmanager

# (label, "module:Owner.attribute" or "module:function"); properties are timed by their getter.
AREAS = [
    ("whole request (WSGIHandler.__call__)", "django.core.handlers.wsgi:WSGIHandler.__call__"),
    ("  DRF dispatch", "rest_framework.views:APIView.dispatch"),
    ("    authentication", "rest_framework.views:APIView.perform_authentication"),
    (
        "      JWT: token decode",
        "rest_framework_simplejwt.authentication:JWTAuthentication.get_validated_token",
    ),
    (
        "      JWT: the user's row (get_user)",
        "rest_framework_simplejwt.authentication:JWTAuthentication.get_user",
    ),
    ("    permissions", "rest_framework.views:APIView.check_permissions"),
    ("    throttles", "rest_framework.views:APIView.check_throttles"),
    ("    the view's post", "checkins.apis:CheckinListApi.post"),
    ("      request body parse", "rest_framework.request:Request._parse"),
    ("      InputSerializer.is_valid", "rest_framework.serializers:BaseSerializer.is_valid"),
    ("      venue lookup (row_by_pk)", "checkins.apis:row_by_pk"),
    ("      checkin_record", "checkins.apis:checkin_record"),
    ("        fix_check (geodesic)", "checkins.services:fix_check"),
    ("        _record (the transaction)", "checkins.services:_record"),
    ("          resident row lock (_lock_resident)", "checkins.services:_lock_resident"),
    ("          cooldown and travel", "checkins.services:_check_cooldown_and_travel"),
    (
        "          insert and visit day (checkin_insert_counted)",
        "checkins.services:checkin_insert_counted",
    ),
    ("          rewards_for_checkin", "checkins.services:rewards_for_checkin"),
    ("      output: Serializer.data", "rest_framework.serializers:Serializer.data"),
    ("    finalize_response", "rest_framework.views:APIView.finalize_response"),
    ("  render (Response.rendered_content)", "rest_framework.response:Response.rendered_content"),
    ("ORM inserts and updates (Model.save_base)", "django.db.models.base:Model.save_base"),
    ("SQL sent (CursorWrapper._execute)", "django.db.backends.utils:CursorWrapper._execute"),
    ("transaction commit", "django.db.backends.base.base:BaseDatabaseWrapper.commit"),
    ("Redis calls (Redis.execute_command)", "redis.client:Redis.execute_command"),
]


def _resolve(target: str):
    """(owner, attribute name, current value) of ``target``; None if it does not exist."""
    module_name, _, path = target.partition(":")
    owner = importlib.import_module(module_name)
    *owners, name = path.split(".")
    for part in owners:
        owner = getattr(owner, part, None)
        if owner is None:
            return None
    value = owner.__dict__.get(name) if isinstance(owner, type) else getattr(owner, name, None)
    return None if value is None else (owner, name, value)


class Stopwatch:
    def __init__(self) -> None:
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.missing: set[str] = set()

    def _timed(self, label: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            cpu, wall = time.process_time(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.cpu[label] += time.process_time() - cpu
                self.wall[label] += time.perf_counter() - wall
                self.calls[label] += 1

        return timed

    @contextmanager
    def running(self):
        """Wrap the targets while the block runs."""
        restore = []
        for label, target in AREAS:
            found = _resolve(target)
            if found is None:
                self.missing.add(label)
                continue
            owner, name, value = found
            if isinstance(value, property):
                replacement = property(self._timed(label, value.fget), value.fset, value.fdel)
            else:
                replacement = self._timed(label, value)
            setattr(owner, name, replacement)
            restore.append((owner, name, value))
        try:
            yield self
        finally:
            for owner, name, value in reversed(restore):
                setattr(owner, name, value)

    def report(self, requests: int) -> list[str]:
        lines = [f"{'area':<48} | {'CPU ms':>6} | {'wall ms':>7} | {'calls':>5}"]
        for label, _target in AREAS:
            if label in self.missing:
                lines.append(f"{label:<48} | {'(not in this code)':>24}")
                continue
            lines.append(
                f"{label:<48} | {1000 * self.cpu[label] / requests:>6.3f} | "
                f"{1000 * self.wall[label] / requests:>7.3f} | "
                f"{self.calls[label] / requests:>5.1f}"
            )
        return lines
