"""The back office's catalog: items listed with the stock they have left (the stock account's
figure), created and edited through the API's services (`rewards.back_office.admin` says how
a refusal reaches the form). A venue manager adds items for their venue; a council admin for
the council or any of its venues (the choices offer nothing else)."""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_display import yes_no_icon
from rewards.back_office.admin import ServiceAdmin, ServiceForm, every_venue_of
from rewards.catalog.selectors import catalog_stock_left
from rewards.catalog.services import (
    UPDATABLE_FIELDS,
    catalog_item_create,
    catalog_item_create_errors,
    catalog_item_update,
    catalog_item_update_errors,
)
from rewards.models import CatalogItem
from venues.back_office import ScopedRelatedFilter

ITEM_FIELDS = ["title", "title_cy", "cost_points", "stock", "valid_days", "is_active"]


class CatalogItemForm(ServiceForm):
    # The bounds the API's serializers set and the database enforces (no service restates them).
    cost_points = forms.IntegerField(
        min_value=1, label=capfirst(CatalogItem._meta.get_field("cost_points").verbose_name)
    )
    valid_days = forms.IntegerField(
        min_value=1,
        required=False,
        label=capfirst(CatalogItem._meta.get_field("valid_days").verbose_name),
    )

    class Meta:
        model = CatalogItem
        fields = ["council", "venue", *ITEM_FIELDS]
        help_texts = {
            "council": _("For an item of the whole council (council admins only)."),
            "venue": _("For one venue's item."),
            "stock": _("How many vouchers in all (empty: no limit)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "council" in self.fields:  # a venue's item takes the venue's council
            self.fields["council"].required = False

    def owner(self):
        """The item's council: the one named, else the venue's (as the API decides)."""
        venue = self.cleaned_data.get("venue")
        return self.cleaned_data.get("council") or (venue.council if venue else None)

    def service_errors(self):
        if not self.instance._state.adding:
            return catalog_item_update_errors(item=self.instance, changes=self.changes())
        if self.owner() is None:
            return {"venue": [gettext("Give the venue or, for a council-wide item, the council.")]}
        return catalog_item_create_errors(
            council=self.owner(), venue=self.cleaned_data.get("venue")
        )

    def changes(self) -> dict:
        return self.service_changes(UPDATABLE_FIELDS)


@admin.register(CatalogItem)
class CatalogItemAdmin(ServiceAdmin):
    form = CatalogItemForm
    venue_path, council_path = "venue", "council"
    list_display = ["title", "where", "cost_points", "stock", "stock_left", "active"]
    list_filter = ["is_active", ("venue", ScopedRelatedFilter), ("council", ScopedRelatedFilter)]
    search_fields = ["title"]
    list_select_related = ["venue", "council"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["council", "venue", *ITEM_FIELDS]
        return ["where", "stock_left", *ITEM_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["where", "stock_left"]

    def get_changelist_instance(self, request):
        """Reads the stock accounts of the page's items in one query."""
        changelist = super().get_changelist_instance(request)
        items = list(changelist.result_list)
        left = catalog_stock_left(items)
        for item in items:
            item.stock_left = left[item.pk]
        return changelist

    @admin.display(description=_("where"), ordering="venue__name")
    def where(self, item: CatalogItem) -> str:
        return every_venue_of(item)

    @admin.display(description=_("stock left"))
    def stock_left(self, item: CatalogItem) -> str:
        if not hasattr(item, "stock_left"):
            item.stock_left = catalog_stock_left([item])[item.pk]
        return gettext("no limit") if item.stock_left is None else str(item.stock_left)

    @admin.display(description=_("active"), ordering="is_active")
    def active(self, item: CatalogItem) -> str:
        return yes_no_icon(item.is_active)

    def save_with_service(self, request, form, change):
        if change:
            return catalog_item_update(
                item=form.instance, changes=form.changes(), actor=request.user
            )
        data = form.cleaned_data
        return catalog_item_create(
            council=form.owner(),
            venue=data.get("venue"),
            actor=request.user,
            **{name: data[name] for name in ITEM_FIELDS},
        )
