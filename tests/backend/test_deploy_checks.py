"""`manage.py check --deploy` with DEBUG off: mail that would never arrive, a local sender,
and a privacy notice that cannot name its controller."""

import pytest
from django.core.checks import run_checks

from backend.checks import email_check, privacy_controller_check

SMTP = "django.core.mail.backends.smtp.EmailBackend"
GOOD_SENDER = "Council check-ins <no-reply@checkins.leeds.gov.uk>"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = SMTP
    settings.DEFAULT_FROM_EMAIL = settings.SERVER_EMAIL = GOOD_SENDER
    settings.PRIVACY_CONTROLLER_NAME = "Leeds City Council"
    settings.PRIVACY_CONTACT_EMAIL = "dpo@leeds.gov.uk"
    return settings


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_a_configured_deployment_has_nothing_to_say(production):
    assert email_check(None) + privacy_controller_check(None) == []


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ],
)
def test_a_backend_that_does_not_deliver_is_warned_about(production, backend):
    production.EMAIL_BACKEND = backend
    assert ids(email_check(None)) == ["backend.W001"]


@pytest.mark.parametrize(
    "sender",
    [
        "Council check-ins <no-reply@localhost>",
        "no-reply@checkins.local",
        "root@server",
        "noreply@example.test",
    ],
)
def test_a_local_sender_is_warned_about(production, sender):
    production.DEFAULT_FROM_EMAIL = production.SERVER_EMAIL = sender
    assert ids(email_check(None)) == ["backend.W002"]


def test_an_unnamed_controller_is_warned_about(production):
    production.PRIVACY_CONTROLLER_NAME = ""
    [warning] = privacy_controller_check(None)
    assert warning.id == "backend.W003" and "PRIVACY_CONTROLLER_NAME" in warning.msg


def test_with_debug_on_nothing_is_said(production):
    production.DEBUG = True
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    production.DEFAULT_FROM_EMAIL = "no-reply@localhost"
    assert email_check(None) == []


def test_the_checks_run_with_check_deploy_and_not_without(production):
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert "backend.W001" in ids(run_checks(include_deployment_checks=True))
    assert "backend.W001" not in ids(run_checks())


def test_the_default_settings_of_a_bare_deployment_are_warned_about(production):
    """What happened before: DEBUG off, no EMAIL_URL, the default sender."""
    production.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    production.DEFAULT_FROM_EMAIL = production.SERVER_EMAIL = (
        "Council check-ins <no-reply@localhost>"
    )
    assert ids(email_check(None)) == ["backend.W001", "backend.W002"]
