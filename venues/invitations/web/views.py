"""The page an invitation's email links to: accept it, signed in with the invited email, or
make the account there; then go where the role's work is (the back office for admins and
managers, the desk for staff). A link that no longer works (accepted, cancelled, expired, or
replaced by a newer email) is a 410 page saying which; one this site never signed, a 404."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.models import User
from backend.errors import ApplicationError
from backend.page_limits import page_rate_limit
from venues.invitations.models import Invitation
from venues.invitations.selectors import invitation_from_link
from venues.invitations.services import (
    InvitationNotUsable,
    invitation_accept,
    invitation_accept_new_account,
    role_words,
)
from venues.invitations.web.forms import NewAccountForm
from venues.models import Role

WHY_CLOSED = {
    Invitation.Status.ACCEPTED: gettext_lazy("This invitation has been accepted already."),
    Invitation.Status.CANCELLED: gettext_lazy("This invitation was cancelled."),
    Invitation.Status.EXPIRED: gettext_lazy("This invitation has expired."),
    "replaced": gettext_lazy(
        "A newer email replaced this invitation: use the link in the latest one."
    ),
}


def where_the_work_is(role: str) -> str:
    return reverse("desk") if role == Role.Kind.VENUE_STAFF else reverse("admin:index")


def _closed(request, status: str, invitation: Invitation):
    context = {
        "title": _("This invitation cannot be used"),
        "why": str(WHY_CLOSED[status]),
        "invitation": invitation,
    }
    return render(request, "invitations/closed.html", context, status=410)


def _welcome(request, invitation: Invitation):
    words = role_words(invitation.role, council=invitation.council, venue=invitation.venue)
    messages.success(request, _("Welcome: you are now %(role)s.") % {"role": words})
    return redirect(where_the_work_is(invitation.role))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def invitation_page(request, token: str):
    found = invitation_from_link(token)
    if found is None:
        return render(
            request,
            "invitations/bad_link.html",
            {"title": _("This link does not work")},
            status=404,
        )
    invitation, nonce = found
    status = invitation.status
    if status == Invitation.Status.PENDING and nonce != invitation.nonce:
        status = "replaced"
    if status != Invitation.Status.PENDING:
        return _closed(request, status, invitation)
    if (refusal := page_rate_limit(request)) is not None:
        return refusal

    context = {
        "title": _("You are invited"),
        "invitation": invitation,
        "role": role_words(invitation.role, council=invitation.council, venue=invitation.venue),
        "next": request.get_full_path(),
    }
    user = request.user
    if user.is_authenticated:
        if user.email != invitation.email:
            return render(request, "invitations/wrong_account.html", context, status=403)
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, nonce=nonce, user=user)
            except InvitationNotUsable as closed:
                return _closed(request, closed.status, invitation)
            return _welcome(request, invitation)
        return render(request, "invitations/accept.html", context)

    if User.objects.filter(email=invitation.email, is_active=True).exists():
        return render(request, "invitations/sign_in_first.html", context)
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, _role = invitation_accept_new_account(
                invitation=invitation, nonce=nonce, **form.cleaned_data
            )
        except InvitationNotUsable as closed:
            return _closed(request, closed.status, invitation)
        except ApplicationError as exc:
            for field, errors in (exc.extra.get("fields") or {"__all__": [exc.detail]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _welcome(request, invitation)
    context["form"] = form
    status = 400 if form.errors else 200
    return render(request, "invitations/new_account.html", context, status=status)
