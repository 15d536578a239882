"""How a voucher is shown: to its holder, after a claim and after a redemption (one schema
component, ``VoucherOutput``)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rewards.models import Voucher, VoucherStatus
from rewards.vouchers.selectors import vouchers_with_shown_status


class VoucherListOutputSerializer(serializers.ListSerializer):
    """Works out the shown status of a whole page at once."""

    def to_representation(self, data):
        return super().to_representation(vouchers_with_shown_status(list(data)))


class VoucherOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=VoucherStatus.choices,
        source="shown_status",
        help_text="`expired` as soon as an issued voucher is past its expiry.",
    )
    expires_at = serializers.DateTimeField()
    redeemed_at = serializers.DateTimeField(allow_null=True)
    stripe_promotion_code = serializers.CharField(
        help_text="The Stripe promotion code's id once created; the code to type is `code`."
    )
    stripe_status = serializers.SerializerMethodField(
        help_text=(
            "For a voucher that is also a Stripe promotion code: `pending` until Stripe has "
            "created it (it works in person meanwhile), then `created`; `failed` when Stripe "
            "refused it. Null for vouchers without one."
        )
    )

    class Meta:
        list_serializer_class = VoucherListOutputSerializer

    @extend_schema_field(
        serializers.ChoiceField(choices=["pending", "created", "failed"], allow_null=True)
    )
    def get_stripe_status(self, voucher):
        try:
            return voucher.stripe_promotion.state
        except Voucher.stripe_promotion.RelatedObjectDoesNotExist:
            return None


def voucher_body(voucher: Voucher) -> dict:
    """One voucher as the API shows it."""
    return VoucherOutputSerializer(vouchers_with_shown_status([voucher])[0]).data
