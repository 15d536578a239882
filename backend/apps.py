from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackendConfig(AppConfig):
    """The project's shared pieces: settings, errors, pagination and idempotency records."""

    name = "backend"
    verbose_name = _("Platform")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import before_task_publish, task_postrun, task_prerun
        from django.core.signals import request_finished, request_started

        # checks registers the deploy checks
        from backend import checks, observability, strict_input, timestamps  # noqa: F401

        timestamps.install()
        strict_input.install()

        request_started.connect(observability.request_began, dispatch_uid="request-id-began")
        request_finished.connect(observability.request_ended, dispatch_uid="request-id-ended")
        # The request's id travels with the jobs it queues (backend/observability.py).
        before_task_publish.connect(observability.task_published, dispatch_uid="request-id-sent")
        task_prerun.connect(observability.task_started, dispatch_uid="request-id-job-began")
        task_postrun.connect(observability.task_ended, dispatch_uid="request-id-job-ended")
