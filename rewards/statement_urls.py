from django.urls import path

from rewards.statement_views import LedgerStatementApi

urlpatterns = [
    path("me/ledger/", LedgerStatementApi.as_view(), name="me-ledger"),
]
