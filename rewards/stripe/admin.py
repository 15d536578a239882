"""The back office's view of the Stripe integration, for the council's IT team (superusers):
the promotion-code outbox (with a "queue again" action for failed rows) and the webhook events
with what each did. Both are records of what happened, so they are read-only."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rewards.models import StripeEvent, StripePromotionCode
from rewards.stripe.outbox import promotion_codes_retry_failed
from venues.back_office import ScopedAdmin


class StripeAdmin(ScopedAdmin):
    venue_path = council_path = None
    is_superuser_only = True
    is_read_only = True


@admin.register(StripePromotionCode)
class StripePromotionCodeAdmin(StripeAdmin):
    list_display = [
        "voucher_code",
        "coupon_id",
        "state",
        "attempts",
        "next_attempt_at",
        "promotion_code_id",
        "last_error",
    ]
    list_filter = ["state"]
    search_fields = ["voucher__code", "promotion_code_id", "coupon_id"]
    list_select_related = ["voucher"]
    actions = ["queue_failed_again"]

    @admin.display(description=_("voucher"), ordering="voucher__code")
    def voucher_code(self, row):
        return row.voucher.code

    @admin.action(description=_("Queue the selected failed promotion codes again"))
    def queue_failed_again(self, request, queryset):
        count = promotion_codes_retry_failed(voucher_ids=queryset.values_list("pk", flat=True))
        message = ngettext(
            "%(count)d promotion code queued again.",
            "%(count)d promotion codes queued again.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.register(StripeEvent)
class StripeEventAdmin(StripeAdmin):
    list_display = ["event_id", "type", "received_at", "outcome"]
    list_filter = ["type"]
    search_fields = ["event_id", "outcome"]
