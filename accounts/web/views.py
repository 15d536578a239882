"""Sign in, sign out, create an account and reset a password, as pages.

Sign-in and reset are Django's own views with this project's forms and templates; registration
calls the same service as ``POST /api/v1/auth/register/``. Every page comes back to ``next``
(checked to be on this site), so a poster's page or the desk sends people here and gets them
back.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.functional import lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from accounts import error_codes
from accounts.services import user_register
from accounts.web.forms import PasswordResetForm, RegisterForm, SetPasswordForm, SignInForm
from backend.errors import ApplicationError
from backend.page_limits import page_rate_limit
from backend.service_name import service_name


def safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("Sign in")}

    def post(self, request, *args, **kwargs):
        if (refusal := page_rate_limit(request)) is not None:
            return refusal
        return super().post(request, *args, **kwargs)


class SignOutView(auth_views.LogoutView):
    """POST only (Django's rule: a link or an image must not sign anyone out)."""

    def get_success_url(self):
        return safe_next(self.request, default=reverse("sign-in"))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def register_page(request):
    next_url = safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    if (refusal := page_rate_limit(request)) is not None:
        return refusal
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(**form.cleaned_data)
        except ApplicationError as exc:
            if exc.error == error_codes.TOO_YOUNG:
                return too_young_page(request)
            for field, errors in (exc.extra.get("fields") or {"__all__": [exc.detail]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Your account is ready. You are signed in as %(email)s.") % {"email": user.email},
            )
            return redirect(next_url)
    return render(
        request,
        "accounts/register.html",
        {"title": _("Create an account"), "form": form, "next": next_url},
    )


def too_young_page(request):
    """What someone who might be under 13 sees instead of an account: who can help."""
    return render(request, "accounts/too_young.html", {"title": _("Ask a parent or carer to help")})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"title": gettext_lazy("Reset your password")}
    # The email is rendered without the request's context processors; named when rendered.
    extra_email_context = {"service_name": lazy(service_name, str)()}

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "")[:254]
        if (refusal := page_rate_limit(request, email=email)) is not None:
            return refusal
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": gettext_lazy("Check your email")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": gettext_lazy("Choose a new password")}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": gettext_lazy("Your password has been changed")}
