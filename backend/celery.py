"""The Celery app: background jobs and the beat schedule of the periodic ones.

Configured from Django's settings (the ``CELERY_*`` names, "Background jobs" in settings.py);
tasks live in each app's ``tasks.py`` and are found by autodiscovery. Without a broker the
settings make every task run in-process at ``.delay()`` (eager), so a bare checkout needs no
Redis, worker or beat.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("backend")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
