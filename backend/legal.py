"""The legal pages every public service needs, in English and Welsh: the privacy notice (UK
GDPR arts. 13-14), the cookies page (PECR) and the accessibility statement (the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018, after the
GOV.UK model statement).

Each page is one template per language (``legal/<page>.<language>.html``): whole paragraphs of
legal prose read and are reviewed better as text than as strings in a catalogue, and the
council's data protection officer can amend one language's page without a translator's tools.
What varies by deployment (who the controller is, whom to write to, the retention periods, the
statement's dates) comes from settings (backend/public_service.py), so one text serves every
council that runs the service.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe


def _language() -> str:
    return "cy" if get_language() == "cy" else "en"


def _controller() -> dict:
    name = settings.PRIVACY_CONTROLLER_NAME
    if _language() == "cy" and settings.PRIVACY_CONTROLLER_NAME_CY:
        name = settings.PRIVACY_CONTROLLER_NAME_CY
    return {
        "name": name,
        "address": settings.PRIVACY_CONTROLLER_ADDRESS,
        "email": settings.PRIVACY_CONTACT_EMAIL,
        "dpo_email": settings.PRIVACY_DPO_EMAIL or settings.PRIVACY_CONTACT_EMAIL,
        "accessibility_email": settings.ACCESSIBILITY_CONTACT_EMAIL
        or settings.PRIVACY_CONTACT_EMAIL,
    }


def _page(request, page: str, title: str, **context):
    context = {
        "title": title,
        "controller": _controller(),
        "site": settings.PUBLIC_BASE_URL,
        **context,
    }
    return render(request, f"legal/{page}.{_language()}.html", context)


@require_safe
def privacy_page(request):
    return _page(
        request,
        "privacy",
        _("Privacy notice"),
        location_days=settings.LOCATION_RETENTION_DAYS,
        points_days=settings.POINTS_EXPIRY_DAYS,
        voucher_days=settings.VOUCHER_VALID_DAYS,
        session_days=settings.SESSION_COOKIE_AGE // 86400,
    )


@require_safe
def cookies_page(request):
    return _page(
        request,
        "cookies",
        _("Cookies"),
        session_days=settings.SESSION_COOKIE_AGE // 86400,
        language_days=settings.LANGUAGE_COOKIE_AGE // 86400,
    )


@require_safe
def accessibility_page(request):
    return _page(
        request,
        "accessibility",
        _("Accessibility statement"),
        prepared=settings.ACCESSIBILITY_STATEMENT_PREPARED,
        tested=settings.ACCESSIBILITY_LAST_TESTED,
    )
