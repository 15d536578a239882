from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_display import yes_no_icon
from accounts.models import User
from accounts.services import user_erase


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name")


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts, for superusers. Nobody is deleted: a person's history (check-ins, the ledger)
    points at their account, so "Erase personal data" runs the erasure a resident asks for
    themselves (``DELETE /api/v1/me/``, /account/delete/): the row stays, pseudonymised."""

    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "display_name", "active", "staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["date_joined", "last_login", "erased_at", "guardian"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "birth_year", "guardian")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    actions = ["erase_personal_data"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=User._meta.get_field("is_active").verbose_name, ordering="is_active")
    def active(self, user):
        return yes_no_icon(user.is_active)

    @admin.display(description=User._meta.get_field("is_staff").verbose_name, ordering="is_staff")
    def staff(self, user):
        return yes_no_icon(user.is_staff)

    @admin.action(description=_("Erase the selected people's personal data"))
    def erase_personal_data(self, request, queryset):
        people = [
            user for user in queryset if user.erased_at is None and user.pk != request.user.pk
        ]
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/back_office/confirm_action.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Erase these people's personal data?"),
                    "question": gettext(
                        "Erase these people's personal data? Their names, email addresses, "
                        "comments and locations are deleted and they can no longer sign in; "
                        "their visits and ledger entries stay, no longer linked to them. This "
                        "cannot be undone. (Your own account and accounts already erased are "
                        "left out.)"
                    ),
                    "button": gettext("Yes, erase them"),
                    "objects": people,
                    "opts": self.model._meta,
                    "action": request.POST.get("action"),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        for user in people:
            user_erase(user=user)
        self.message_user(
            request,
            ngettext(
                "%(count)d person's personal data erased.",
                "%(count)d people's personal data erased.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )
        return None

    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )
