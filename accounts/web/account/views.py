"""The account pages (see the package's docstring). Every change is a POST with CSRF, and
whatever sends an email is rate-limited per address (backend.page_limits).

Decisions:
- A password change keeps this session and ends every other one (Django's session hash: each
  session remembers a hash of the password it was opened with). The refresh tokens of the app
  are issue 24's to revoke on any password change.
- The download is the API's ``/me/export/`` as a JSON file, in one press (no email round trip:
  the person is signed in, and the export holds nothing they did not give or cause).
- Deleting asks for the password, then runs the API's erasure and signs the person out.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from accounts.email_change import (
    EmailChangeLinkInvalid,
    email_change_read,
    user_email_change_confirm,
    user_email_change_request,
)
from accounts.preferences import email_preferences_of
from accounts.selectors import user_export
from accounts.services import user_erase, user_profile_update
from accounts.web.account.forms import (
    DeleteAccountForm,
    EmailChangeForm,
    NameForm,
    PasswordChangeForm,
)
from backend.errors import ApplicationError
from backend.page_limits import page_rate_limit
from backend.timestamps import ApiJSONEncoder


def _errors_onto(form, exc: ApplicationError) -> None:
    for field, errors in (exc.extra.get("fields") or {"__all__": [exc.detail]}).items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_page(request):
    form = NameForm(request.POST or None, initial={"display_name": request.user.display_name})
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(user=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Your name has been changed."))
            return redirect("account")
    status = 400 if form.errors else 200
    context = {
        "title": _("Your account"),
        "form": form,
        "wants_reply_emails": email_preferences_of(request.user).wants_reply_emails,
    }
    return render(request, "accounts/account.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def email_change_page(request):
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = form.cleaned_data["email"]
        if (refusal := page_rate_limit(request, email=new_email)) is not None:
            return refusal
        try:
            sent_to = user_email_change_request(user=request.user, new_email=new_email)
        except ApplicationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(
                request,
                _("We have sent a link to %(email)s. Your email changes when you open it.")
                % {"email": sent_to},
            )
            return redirect("account")
    status = 400 if form.errors else 200
    context = {"title": _("Change your email address"), "form": form}
    return render(request, "accounts/account_email.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_confirm_page(request, token: str):
    """GET only asks (mail scanners open links); the button's POST changes the address. No
    sign-in needed: the link came to the new address, and names the account."""
    try:
        _account, new_email = email_change_read(token)
    except EmailChangeLinkInvalid:
        context = {
            "title": _("This link does not work"),
            "hours": settings.EMAIL_CHANGE_VALID_HOURS,
        }
        return render(request, "accounts/account_email_bad_link.html", context, status=410)
    context = {
        "title": _("Confirm your new email address"),
        "new_email": new_email,
        "hours": settings.EMAIL_CHANGE_VALID_HOURS,
    }
    if request.method == "POST":
        try:
            user_email_change_confirm(token=token)
        except EmailChangeLinkInvalid:
            context["title"] = _("This link does not work")
            return render(request, "accounts/account_email_bad_link.html", context, status=410)
        except ApplicationError as exc:
            context["problem"] = exc.detail
            return render(request, "accounts/account_email_confirm.html", context, status=400)
        messages.success(request, _("Your email address is now %(email)s.") % {"email": new_email})
        return redirect("account" if request.user.is_authenticated else "sign-in")
    return render(request, "accounts/account_email_confirm.html", context)


@method_decorator(never_cache, name="dispatch")
class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: it keeps this session signed in (``update_session_auth_hash``); every
    other session of the account is signed out by the new password's session hash."""

    form_class = PasswordChangeForm
    template_name = "accounts/account_password.html"
    success_url = reverse_lazy("account")
    extra_context = {"title": gettext_lazy("Change your password")}

    def post(self, request, *args, **kwargs):
        if (refusal := page_rate_limit(request)) is not None:
            return refusal
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password has been changed. You have been signed out everywhere else."),
        )
        return response


@never_cache
@login_required
@require_safe
def download_data(request):
    """Everything held about the person, as ``GET /api/v1/me/export/`` gives it, as a file."""
    body = json.dumps(
        user_export(user=request.user), indent=2, ensure_ascii=False, cls=ApiJSONEncoder
    )
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    name = f"my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_page(request):
    if (refusal := page_rate_limit(request)) is not None:
        return refusal
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user_erase(user=request.user)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    status = 400 if form.errors else 200
    context = {"title": _("Delete your account"), "form": form}
    return render(request, "accounts/account_delete.html", context, status=status)
