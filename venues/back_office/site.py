"""The back office's admin site: who may enter is decided by roles (venues.back_office), not
by Django's ``is_staff`` flag alone; venue staff are sent to their desk, and anyone else who
signs in is told plainly that the back office is not for them."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy

from backend.page_limits import page_rate_limit
from backend.service_name import service_name
from venues.back_office import BoundedDateDrillDown, back_office_access


class BackOfficeSignInForm(AdminAuthenticationForm):
    """Any active account may sign in; what it may then see is the site's decision (so a
    resident learns "not for you", not "wrong password")."""

    def confirm_login_allowed(self, user):
        if not user.is_active:
            super().confirm_login_allowed(user)


# A library's admin classes (dotted paths) and what the back office mixes into each
# (back_office.third_party).
FIXES = {
    "axes.admin.AccessAttemptAdmin": "venues.back_office.third_party.axes.AccessAttemptAdmin",
    "axes.admin.AccessLogAdmin": "venues.back_office.third_party.axes.AccessLogAdmin",
    "axes.admin.AccessFailureLogAdmin": "venues.back_office.third_party.axes.AccessFailureLogAdmin",
    "rest_framework_simplejwt.token_blacklist.admin.OutstandingTokenAdmin": (
        "venues.back_office.third_party.token_blacklist.OutstandingTokenAdmin"
    ),
    "rest_framework_simplejwt.token_blacklist.admin.BlacklistedTokenAdmin": (
        "venues.back_office.third_party.token_blacklist.BlacklistedTokenAdmin"
    ),
}


def _fixed(admin_class: type) -> type:
    """A library's admin with our fixes mixed in (``FIXES``), imported only when it registers."""
    fixes = FIXES.get(f"{admin_class.__module__}.{admin_class.__qualname__}")
    if fixes is None:
        return admin_class
    return type(
        admin_class.__name__,
        (import_string(fixes), admin_class),
        {"__module__": admin_class.__module__},
    )


class BackOfficeSite(admin.AdminSite):
    site_title = gettext_lazy("Back office")
    index_title = gettext_lazy("What you manage")
    login_form = BackOfficeSignInForm
    site_url = None  # no public home page to "view"; the pages people use are linked where used

    @property
    def site_header(self) -> str:
        return gettext("%(service_name)s: back office") % {"service_name": service_name()}

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every list page refuses a date drill-down no date can hold (``back_office``); a
        library's admin gets our fixes (``back_office.third_party``)."""
        admin_class = admin_class or admin.ModelAdmin
        admin_class = _fixed(admin_class)
        if not issubclass(admin_class, BoundedDateDrillDown):
            admin_class = type(admin_class.__name__, (BoundedDateDrillDown, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        return back_office_access(request).may_use_back_office

    def login(self, request, extra_context=None):
        if (refusal := page_rate_limit(request)) is not None:
            return refusal
        if request.method == "GET" and request.user.is_authenticated:
            access = back_office_access(request)
            if access.is_desk_staff_only:
                return redirect("desk")
            if not access.may_use_back_office:
                return render(
                    request,
                    "back_office/refused.html",
                    {"title": gettext("The back office is for council and venue staff")},
                    status=403,
                )
        return super().login(request, extra_context)
