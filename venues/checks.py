"""System checks for deployment: `manage.py check --deploy` warns about what would bite later."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def qr_signing_key_check(app_configs, **kwargs):
    from venues.posters.tokens import _current_keys

    if not settings.QR_SIGNING_KEY:
        return [
            Warning(
                "QR_SIGNING_KEY is not set: QR posters are signed with a key derived from "
                "SECRET_KEY, so rotating SECRET_KEY would invalidate every printed poster.",
                hint="Generate one with `manage.py qr_keygen` and set QR_SIGNING_KEY.",
                id="venues.W001",
            )
        ]
    try:
        _current_keys()
    except (ValueError, TypeError) as exc:
        return [
            Error(f"QR_SIGNING_KEY or QR_PREVIOUS_PUBLIC_KEYS is unusable: {exc}", id="venues.E001")
        ]
    return []
