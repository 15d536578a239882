"""Django autoloads only this module: the admin classes live with their capability, and are
imported here so that they register."""

from rewards.books.admin import LedgerAccountAdmin, LedgerTransactionAdmin
from rewards.catalog.admin import CatalogItemAdmin
from rewards.offers.admin import OfferAdmin
from rewards.schemes.admin import SchemeAdmin
from rewards.stripe.admin import StripeEventAdmin, StripePromotionCodeAdmin
from rewards.vouchers.admin import VoucherAdmin

__all__ = [
    "CatalogItemAdmin",
    "LedgerAccountAdmin",
    "LedgerTransactionAdmin",
    "OfferAdmin",
    "SchemeAdmin",
    "StripeEventAdmin",
    "StripePromotionCodeAdmin",
    "VoucherAdmin",
]
