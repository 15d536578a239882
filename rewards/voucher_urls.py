from django.urls import path

from rewards.voucher_views import (
    CatalogClaimApi,
    CatalogDetailApi,
    CatalogListApi,
    MyVoucherListApi,
    VoucherQrApi,
    VoucherRedeemApi,
)
from rewards.webhook_views import StripeWebhookApi

urlpatterns = [
    path("catalog/", CatalogListApi.as_view(), name="catalog-list"),
    path("catalog/<uuid:item_id>/", CatalogDetailApi.as_view(), name="catalog-detail"),
    path("catalog/<uuid:item_id>/claim/", CatalogClaimApi.as_view(), name="catalog-claim"),
    path("me/vouchers/", MyVoucherListApi.as_view(), name="me-vouchers"),
    path("vouchers/<uuid:voucher_id>/qr.png", VoucherQrApi.as_view(), name="voucher-qr"),
    path("vouchers/redeem/", VoucherRedeemApi.as_view(), name="voucher-redeem"),
    path("webhooks/stripe/", StripeWebhookApi.as_view(), name="webhook-stripe"),
]
