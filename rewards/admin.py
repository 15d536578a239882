"""Django autoloads only this module: the admin classes live with their capability."""

from rewards.stripe.admin import StripeEventAdmin, StripePromotionCodeAdmin

__all__ = ["StripeEventAdmin", "StripePromotionCodeAdmin"]
