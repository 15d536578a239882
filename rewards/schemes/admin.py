"""The back office's points schemes, for superusers only: which councils share a currency.

Grouping is the scheme services' work, never the admin's (no member row is written here): a
council added to a scheme leaves its old one, and an old scheme left with no council is merged
into this one, its residents' points moved across by ledger postings; a council taken out
starts a scheme of its own with nothing in it. A merged scheme is history: its page is
read-only and says where it went. No scheme is deleted.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards.back_office.admin import ServiceAdmin, ServiceForm
from rewards.schemes.models import Scheme
from rewards.schemes.selectors import councils_with_schemes, schemes_with_figures
from rewards.schemes.services import scheme_create, scheme_errors, scheme_update

GROUPING_HELP = _(
    "Residents of these councils share one points balance. A council you add leaves its old "
    "scheme; if that leaves the old scheme with no council, its residents' points move into "
    "this one. A council you take out gets a scheme of its own and keeps nothing: the points "
    "its residents earned stay here, to spend at the councils still in it."
)


class CouncilCheckboxes(forms.CheckboxSelectMultiple):
    """A checkbox per council, in a group named for screen readers: the admin's label of the
    field belongs to no single input (and checkboxes, unlike a multiple select, cannot drop
    every other council on one click without Ctrl)."""

    template_name = "schemes/council_checkboxes.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = gettext("Councils in this scheme")
        return context


class CouncilChoice(forms.ModelMultipleChoiceField):
    """Councils by name; one already grouped elsewhere says so, since choosing it takes it out
    of that group."""

    scheme_id = None  # the scheme being edited (None: a new one)

    def label_from_instance(self, council) -> str:
        if council.current_scheme_id != self.scheme_id and council.current_scheme_size > 1:
            return gettext("%(council)s (now grouped in %(scheme)s)") % {
                "council": council.name,
                "scheme": council.current_scheme_name,
            }
        return council.name


class SchemeForm(ServiceForm):
    councils = CouncilChoice(
        label=_("Councils"),
        queryset=councils_with_schemes(),
        widget=CouncilCheckboxes,
        required=False,  # the service says why none will not do (`scheme_errors`)
        help_text=GROUPING_HELP,
    )

    class Meta:
        model = Scheme
        fields = ["name"]
        help_texts = {
            "name": _("What residents see their points called, e.g. “Yorkshire Libraries”.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["councils"].scheme_id = self.instance.pk
        if self.instance.pk is not None:
            self.initial["councils"] = [m.council_id for m in self.instance.members.all()]

    def service_errors(self):
        return scheme_errors(
            scheme=None if self.instance._state.adding else self.instance,
            councils=list(self.cleaned_data.get("councils") or []),
        )


class MergedFilter(admin.SimpleListFilter):
    """Schemes in use by default; the merged ones (history) when asked for."""

    title = _("status")
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return [("yes", _("Merged into another")), ("all", _("All"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("In use"),
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(merged_into__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(merged_into__isnull=True)


@admin.register(Scheme)
class SchemeAdmin(ServiceAdmin):
    form = SchemeForm
    venue_path = council_path = None
    is_superuser_only = True
    list_display = [
        "name",
        "member_councils",
        "wallet_count",
        "points_outstanding",
        "merged_into_name",
    ]
    list_filter = [MergedFilter]
    search_fields = ["name", "members__council__name"]
    show_facets = admin.ShowFacets.NEVER  # "3 results (5 total)" says it already
    figures = ["wallet_count", "points_outstanding"]

    def get_queryset(self, request):
        return schemes_with_figures(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "councils"]
        if obj.merged_into_id is not None:
            return ["name", "merged_note", *self.figures]
        return ["name", "councils", *self.figures]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["merged_note", *self.figures]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.merged_into_id is not None:
            return False  # history: its page only shows where it went
        return super().has_change_permission(request, obj)

    @admin.display(description=_("councils"))
    def member_councils(self, scheme: Scheme) -> str:
        names = ", ".join(member.council.name for member in scheme.members.all())
        return names or gettext("none")

    @admin.display(description=_("wallets"), ordering="wallet_count")
    def wallet_count(self, scheme: Scheme) -> int:
        return scheme.wallet_count

    @admin.display(description=_("points outstanding"), ordering="points_outstanding")
    def points_outstanding(self, scheme: Scheme) -> int:
        return scheme.points_outstanding

    @admin.display(description=_("merged into"), ordering="merged_into__name")
    def merged_into_name(self, scheme: Scheme) -> str:
        if scheme.merged_into is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', self._change_url(scheme.merged_into), scheme.merged_into
        )

    @admin.display(description=_("merged into"))
    def merged_note(self, scheme: Scheme) -> str:
        return format_html(
            '<a href="{}">{}</a>. {}',
            self._change_url(scheme.merged_into),
            scheme.merged_into,
            gettext(
                "Its councils joined that scheme, and its residents' points were moved there; "
                "this page is its history."
            ),
        )

    def _change_url(self, scheme: Scheme) -> str:
        return reverse("admin:rewards_scheme_change", args=[scheme.pk])

    def save_with_service(self, request, form, change):
        data = form.cleaned_data
        if change:
            return scheme_update(scheme=form.instance, name=data["name"], councils=data["councils"])
        return scheme_create(name=data["name"], councils=data["councils"])
