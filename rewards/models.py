"""Offers, the ledger, catalog and vouchers arrive with issue 4."""
