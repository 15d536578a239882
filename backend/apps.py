from django.apps import AppConfig


class BackendConfig(AppConfig):
    """The project's shared pieces: settings, errors, pagination and idempotency records."""

    name = "backend"
    verbose_name = "Platform"
    default_auto_field = "django.db.models.BigAutoField"
