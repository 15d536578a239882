"""The digest's pages: the email's one-click unsubscribe link, and a signed-in settings page
to opt out or back in, and to choose how low-rated and reported comments reach the person: by
email at once (the default), or in this digest only (accounts.preferences).

The link works without signing in: its token is signed. ``GET`` only asks (mail scanners open
every link of a message, and must not unsubscribe anyone); the ``POST`` of its button, or the one
a mail client sends for ``List-Unsubscribe-Post`` (RFC 8058, no CSRF token: the signed URL is
the authority), unsubscribes. The page it then shows can undo it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import EmailPreferences
from accounts.preferences import email_preferences_of, email_preferences_update
from insight.digest.services import digest_opt_in, digest_opt_out
from insight.digest.tokens import user_id_from
from insight.models import DigestOptOut


@never_cache
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_page(request, token: str):
    user_id = user_id_from(token)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        context = {"title": _("This link does not work")}
        return render(request, "insight/digest_bad_link.html", context, status=404)
    context = {"title": _("Weekly digest"), "email": user.email, "token": token}
    if request.method != "POST":
        context["asking"] = True
        context["subscribed"] = not DigestOptOut.objects.filter(user=user).exists()
    elif request.POST.get("action") == "subscribe":
        digest_opt_in(user=user)
        context["subscribed"] = True
    else:
        digest_opt_out(user=user)
        context["subscribed"] = False
    return render(request, "insight/digest_unsubscribed.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    choices = EmailPreferences.CommentAlerts
    if request.method == "POST" and request.POST.get("action") == "comment_alerts":
        chosen = request.POST.get("comment_alerts")
        if chosen in choices.values:
            email_preferences_update(user=request.user, comment_alerts=chosen)
            messages.success(
                request,
                _("You will get low-rated and reported comments by email at once.")
                if chosen == choices.AT_ONCE
                else _("Low-rated and reported comments will come in your weekly digest."),
            )
        return redirect("digest-settings")
    if request.method == "POST":
        if request.POST.get("action") == "subscribe":
            digest_opt_in(user=request.user)
            messages.success(request, _("You will get the weekly digest again."))
        else:
            digest_opt_out(user=request.user)
            messages.success(request, _("You will not get the weekly digest."))
        return redirect("digest-settings")
    subscribed = not DigestOptOut.objects.filter(user=request.user).exists()
    context = {
        "title": _("Weekly digest"),
        "subscribed": subscribed,
        "comment_alerts": email_preferences_of(request.user).comment_alerts,
        "alert_choices": choices.choices,
        "alert_rating": settings.COMMENT_ALERT_RATING_AT_MOST,
    }
    return render(request, "insight/digest_settings.html", context)
