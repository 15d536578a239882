"""Deployment checks of the service around the API (`manage.py check --deploy`): mail that
would never arrive, and legal pages that would not say who the controller is."""

from email.utils import parseaddr

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Backends that do not deliver: they print, drop, keep in memory or write to files.
UNDELIVERED = {
    "django.core.mail.backends.console.EmailBackend": "prints messages to the log",
    "django.core.mail.backends.dummy.EmailBackend": "drops every message",
    "django.core.mail.backends.locmem.EmailBackend": "keeps messages in memory",
    "django.core.mail.backends.filebased.EmailBackend": "writes messages to files",
}
LOCAL_DOMAINS = ("localhost", "localdomain", "local", "invalid", "example", "test")


def _is_local(address: str) -> bool:
    domain = parseaddr(address)[1].rpartition("@")[2].lower().rstrip(".")
    return not domain or domain.split(".")[-1] in LOCAL_DOMAINS or "." not in domain


@register(Tags.security, deploy=True)
def email_check(app_configs, **kwargs):
    """Password resets, invitations, email confirmations and digests must reach people."""
    if settings.DEBUG:
        return []
    found = []
    backend = settings.EMAIL_BACKEND
    if backend in UNDELIVERED:
        found.append(
            Warning(
                f"EMAIL_BACKEND {UNDELIVERED[backend]}: password resets, invitations and "
                "email confirmations will never arrive, while the pages say they were sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.gov.uk:587.",
                id="backend.W001",
            )
        )
    senders = {"DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL}
    if settings.SERVER_EMAIL != settings.DEFAULT_FROM_EMAIL:
        senders["SERVER_EMAIL"] = settings.SERVER_EMAIL
    for name, address in senders.items():
        if _is_local(address):
            found.append(
                Warning(
                    f"{name} is {address!r}: mail servers refuse or bin mail from a local address.",
                    hint=f"Set {name} to an address of the council's domain, e.g. "
                    '"Council check-ins <no-reply@checkins.example.gov.uk>".',
                    id="backend.W002",
                )
            )
    return found


@register(Tags.security, deploy=True)
def privacy_controller_check(app_configs, **kwargs):
    """The privacy notice must say who the controller is and how to reach them (UK GDPR
    art. 13(1)(a))."""
    if settings.DEBUG:
        return []
    missing = [
        name
        for name in ("PRIVACY_CONTROLLER_NAME", "PRIVACY_CONTACT_EMAIL")
        if not getattr(settings, name)
    ]
    if not missing:
        return []
    return [
        Warning(
            f"{' and '.join(missing)} not set: the privacy notice (/privacy/) and the "
            "accessibility statement cannot name the council that runs the service or say how "
            "to contact it.",
            hint="Set them (and PRIVACY_DPO_EMAIL, ACCESSIBILITY_CONTACT_EMAIL): see .env.example.",
            id="backend.W003",
        )
    ]
