from django.urls import path

from rewards.wallet.apis import LedgerStatementApi

urlpatterns = [
    path("me/ledger/", LedgerStatementApi.as_view(), name="me-ledger"),
]
