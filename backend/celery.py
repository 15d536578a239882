"""The Celery app: background jobs and the beat schedule of the periodic ones.

Configured from Django's settings (the ``CELERY_*`` names, "Background jobs" in settings.py);
tasks live in each app's ``tasks.py`` and are found by autodiscovery. Without a broker the
settings make every task run in-process at ``.delay()`` (eager), so a bare checkout needs no
Redis, worker or beat.
"""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _logging_is_djangos(**kwargs) -> None:
    """A worker logs through Django's LOGGING (backend/observability.py: JSON lines with the
    request id), which ``django.setup()`` has configured: with a receiver here Celery adds
    none of its own handlers and leaves stdout and stderr alone. (Without it, Celery sent
    stdout and stderr to a logger whose lines came back to them and were lost, and task
    loggers wrote in a format of their own.)"""
