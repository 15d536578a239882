from django.urls import path

from rewards.wallet.apis import ChildWalletApi, LedgerStatementApi

urlpatterns = [
    path("me/ledger/", LedgerStatementApi.as_view(), name="me-ledger"),
    path("me/children/<uuid:child_id>/wallet/", ChildWalletApi.as_view(), name="me-child-wallet"),
]
