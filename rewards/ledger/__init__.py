"""A small, generic double-entry ledger (DESIGN.md, "The ledger").

It knows accounts, transactions and their entries, nothing of offers, vouchers or check-ins:
callers name accounts and say what a transaction refers to. Balances are kept on the account
row (debits and credits posted, as TigerBeetle does), updated in the posting's transaction with
the account rows locked in id order, so reading a balance costs O(1) and two postings never
deadlock. Entries are append-only; a mistake is undone by a reversing transaction.
"""
