"""What the back office adds to django-axes' admins (see the package's docstring)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_display import yes_no_icon
from venues.back_office.third_party import ShownInTheReadersLanguage, when


class AccessAttemptAdmin(ShownInTheReadersLanguage):
    actions = ["cleanup_expired_attempts"]

    def shown_as(self, attempt) -> str:
        return gettext("Sign-in attempt: %(time)s") % {"time": when(attempt.attempt_time)}

    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        # What axes' sign-in handling sets on each attempt; its cool-off threshold counts back
        # from it (axes.helpers.get_cool_off_threshold).
        request.axes_attempt_time = timezone.now()
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)d expired access attempt cleaned up.",
                "%(count)d expired access attempts cleaned up.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("status"))
    def status(self, attempt):
        return super().status(attempt)


class AccessLogAdmin(ShownInTheReadersLanguage):
    def shown_as(self, entry) -> str:
        return gettext("Sign-in of %(username)s: %(time)s") % {
            "username": entry.username,
            "time": when(entry.attempt_time),
        }


class AccessFailureLogAdmin(ShownInTheReadersLanguage):
    def get_list_display(self, request):
        return [
            "was_locked_out" if name == "locked_out" else name
            for name in super().get_list_display(request)
        ]

    def shown_as(self, failure) -> str:
        values = {
            "username": failure.username,
            "time": when(failure.attempt_time),
            "ip_address": failure.ip_address,
        }
        if failure.locked_out:
            return gettext("Failed sign-in, locked out: %(username)s, %(time)s, %(ip_address)s") % (
                values
            )
        return gettext("Failed sign-in: %(username)s, %(time)s, %(ip_address)s") % values

    @admin.display(description=_("Access lock out"), ordering="locked_out")
    def was_locked_out(self, failure):
        return yes_no_icon(failure.locked_out)
