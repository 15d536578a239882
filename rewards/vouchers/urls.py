from django.urls import path

from rewards.vouchers import apis

urlpatterns = [
    path("me/vouchers/", apis.MyVoucherListApi.as_view(), name="me-vouchers"),
    path("vouchers/<uuid:voucher_id>/qr.png", apis.VoucherQrApi.as_view(), name="voucher-qr"),
    path("vouchers/redeem/", apis.VoucherRedeemApi.as_view(), name="voucher-redeem"),
    path(
        "vouchers/<uuid:voucher_id>/undo-redeem/",
        apis.VoucherUndoRedeemApi.as_view(),
        name="voucher-undo-redeem",
    ),
]
