"""Settings of the public service around the API, read from the environment (imported by
settings, which is at its size limit): the service's name,
who the data controller is (the legal pages), how long
invitations and email-change links last, and the rate limit per target email address.

One deployment is one controller: a council running its own instance names itself here; a
shared instance names its operator (README, "Legal pages"). `check --deploy` warns while the
controller is unnamed (backend.checks).
"""

from datetime import date

from django.core.exceptions import ImproperlyConfigured


def _date(raw: str, *, name: str, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is a date, YYYY-MM-DD.") from exc


def settings_from(env) -> dict:
    return {
        # The service's name on every page and in emails, in English and Welsh
        # (backend.service_name); a council running its own instance may name it after itself.
        "SERVICE_NAME": env.str("SERVICE_NAME", default="Council check-ins"),
        "SERVICE_NAME_CY": env.str(
            "SERVICE_NAME_CY", default="Gwirio i mewn yn lleoliadau'r cyngor"
        ),
        # The privacy notice's "who we are" (UK GDPR arts. 13-14) and where to write to.
        "PRIVACY_CONTROLLER_NAME": env.str("PRIVACY_CONTROLLER_NAME", default=""),
        "PRIVACY_CONTROLLER_NAME_CY": env.str("PRIVACY_CONTROLLER_NAME_CY", default=""),
        "PRIVACY_CONTROLLER_ADDRESS": env.str("PRIVACY_CONTROLLER_ADDRESS", default=""),
        "PRIVACY_CONTACT_EMAIL": env.str("PRIVACY_CONTACT_EMAIL", default=""),
        "PRIVACY_DPO_EMAIL": env.str("PRIVACY_DPO_EMAIL", default=""),
        # The accessibility statement: who to tell about a problem, and when the statement was
        # prepared and the service last tested (the GOV.UK model statement's dates).
        "ACCESSIBILITY_CONTACT_EMAIL": env.str("ACCESSIBILITY_CONTACT_EMAIL", default=""),
        "ACCESSIBILITY_STATEMENT_PREPARED": _date(
            env.str("ACCESSIBILITY_STATEMENT_PREPARED", default=""),
            name="ACCESSIBILITY_STATEMENT_PREPARED",
            default=date(2026, 12, 6),
        ),
        "ACCESSIBILITY_LAST_TESTED": _date(
            env.str("ACCESSIBILITY_LAST_TESTED", default=""),
            name="ACCESSIBILITY_LAST_TESTED",
            default=date(2026, 12, 6),
        ),
        # An invitation's link works this many days after it was (last) sent.
        "INVITATION_VALID_DAYS": env.int("INVITATION_VALID_DAYS", default=7),
        # The link that confirms a new email address works this many hours.
        "EMAIL_CHANGE_VALID_HOURS": env.int("EMAIL_CHANGE_VALID_HOURS", default=24),
        # Emails about an account (password resets, email-change confirmations) sent to one
        # address, whoever asks and from wherever: a DRF rate string.
        "THROTTLE_AUTH_EMAIL": env.str("THROTTLE_AUTH_EMAIL", default="5/hour"),
    }
