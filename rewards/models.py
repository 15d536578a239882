"""Rewards: the ledger's tables (rewards.ledger) and, with issue 4, offers, catalog, vouchers."""

from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction

__all__ = ["Entry", "LedgerAccount", "LedgerTransaction"]
