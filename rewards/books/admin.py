"""The back office's ledger: transactions with their entries, and the accounts. Read-only for
everyone, superusers too: the ledger is append-only, and a mistake is put right by a reversing
transaction that a service posts.

These pages live outside ``rewards.ledger``, which knows nothing of offers, venues or the back
office (the import-linter "ledger" contract).

Who sees what (superusers: everything). Let S be the source accounts of the person's scope:
the pools of the offers and the stocks of the catalog items their offers' and catalog's pages
show them (named by `rewards.account_names`, as the services post to them), and H the accounts
into which S issued vouchers (the held-voucher accounts: one per resident and source, so all
the vouchers in one come from that source, hence from the scope). A transaction is shown when
one of its entries is on S or H (rewards, claims, issues, and the redemptions, expiries and
voids of those vouchers), or when its reference names one of their catalog items (the points
a claim spent). The accounts page shows S and H. It is one query with subqueries; Python only
builds the names of S (one per offer or item in scope).
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards import account_names
from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction
from rewards.models import CatalogItem, Offer
from venues.back_office import ScopedAdmin, back_office_access


class LedgerScope:
    """The rule above, for one request."""

    def __init__(self, admin_site, request):
        def in_scope(model):
            return admin_site.get_model_admin(model).scope(request, model.objects.all())

        self.item_ids = list(in_scope(CatalogItem).values_list("pk", flat=True))
        names = [account_names.catalog_stock(pk) for pk in self.item_ids]
        offer_ids = in_scope(Offer).values_list("pk", flat=True)
        names += [account_names.offer_pool(pk) for pk in offer_ids]
        self.sources = LedgerAccount.objects.filter(name__in=names).values("pk")
        issued = Entry.objects.filter(account__in=self.sources).values("transaction_id")
        self.holders = Entry.objects.filter(
            transaction__in=issued,
            amount__gt=0,
            account__name__startswith=account_names.HELD_VOUCHERS_PREFIX,
        ).values("account_id")

    def accounts(self) -> Q:
        return Q(pk__in=self.sources) | Q(pk__in=self.holders)

    def transactions(self) -> Q:
        touched = Entry.objects.filter(
            Q(account__in=self.sources) | Q(account__in=self.holders)
        ).values("transaction_id")
        references = [account_names.catalog_reference(pk) for pk in self.item_ids]
        return Q(pk__in=touched) | Q(reference__in=references)


class LedgerAdmin(ScopedAdmin):
    venue_path = council_path = None
    is_read_only = True
    scope_of = "transactions"

    def scope(self, request, queryset: QuerySet) -> QuerySet:
        if back_office_access(request).is_superuser:
            return queryset
        rule = getattr(LedgerScope(self.admin_site, request), self.scope_of)()
        return queryset.filter(rule)


class EntryInline(admin.TabularInline):
    """The legs of a transaction, shown with the page that shows the transaction (which has
    already checked who may see it)."""

    model = Entry
    fields = ["account_name", "asset", "amount", "effect"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account").order_by("id")

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("account"))
    def account_name(self, entry: Entry) -> str:
        return entry.account.name

    @admin.display(description=_("balance effect"))
    def effect(self, entry: Entry) -> str:
        return (
            gettext("credit (balance up)") if entry.amount > 0 else gettext("debit (balance down)")
        )


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(LedgerAdmin):
    inlines = [EntryInline]
    list_display = ["created_at", "kind", "memo", "reference"]
    list_filter = ["kind"]
    search_fields = ["memo", "reference", "idempotency_key"]
    ordering = ["-created_at", "id"]
    fields = ["created_at", "kind", "memo", "reference", "idempotency_key", "reverses"]
    readonly_fields = fields


@admin.register(LedgerAccount)
class LedgerAccountAdmin(LedgerAdmin):
    scope_of = "accounts"
    list_display = ["name", "asset", "debits_posted", "credits_posted", "balance", "min_balance"]
    list_filter = ["asset"]
    search_fields = ["name"]
    ordering = ["name", "asset"]
    fields = [*list_display, "left_under_minimum", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("balance"))
    def balance(self, account: LedgerAccount) -> int:
        return account.balance

    @admin.display(description=_("may still pay out"))
    def left_under_minimum(self, account: LedgerAccount) -> str:
        left = account.left_under_minimum
        return gettext("no limit") if left is None else str(left)
