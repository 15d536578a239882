"""Posting to the ledger: balances change only here, by `ledger_post` (one transaction, with
idempotency and replay), `ledger_post_fresh` (many transactions under new keys, on accounts the
caller has locked) and `ledger_reverse` (the mirror of a posted transaction, by `ledger_post`)."""

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from rewards.ledger.memos import memo as memo_of
from rewards.ledger.models import Entry, LedgerAccount, LedgerTransaction, TransactionKind


class LedgerError(Exception):
    """A posting was refused; nothing of it was written."""


class UnbalancedTransaction(LedgerError):
    pass


class InsufficientBalance(LedgerError):
    def __init__(self, account: LedgerAccount, needed: int) -> None:
        super().__init__(
            f"{account.name} would fall to {account.balance - needed}, "
            f"under its minimum of {account.min_balance}."
        )
        self.account = account


class IdempotencyConflict(LedgerError):
    """The key was used before for a different posting."""


@dataclass(frozen=True)
class Leg:
    """``amount`` > 0 credits the account, < 0 debits it."""

    account: LedgerAccount
    amount: int


def account_get_or_create(
    *, name: str, asset: str, min_balance: int | None = None
) -> LedgerAccount:
    """The account called ``name`` for ``asset``, made on first use with ``min_balance``."""
    account, _ = LedgerAccount.objects.get_or_create(
        name=name, asset=asset, defaults={"min_balance": min_balance}
    )
    return account


def cap_minimum(cap: int | None) -> int | None:
    """The ``min_balance`` of an account that may pay out ``cap`` units in all (None: no cap).

    A budget or a stock kept as an account's limit: the posting that would pay past it is
    refused under the account's row lock, however many arrive at once.
    """
    return None if cap is None else -cap


def account_lock(account: LedgerAccount) -> LedgerAccount:
    """The account's row, fresh and locked (``select_for_update``) until the transaction ends."""
    return LedgerAccount.objects.select_for_update().get(pk=account.pk)


def account_cap_set(*, account: LedgerAccount, cap: int | None) -> LedgerAccount:
    """Let a locked account (`account_lock`) pay out ``cap`` units in all. The caller refuses a
    cap under what it has paid out already (``account.paid_out``)."""
    account.min_balance = cap_minimum(cap)
    account.save(update_fields=["min_balance"])
    return account


def _request_hash(kind: str, legs: Sequence[Leg], memo: str, reference: str) -> str:
    material = json.dumps(
        [kind, sorted((leg.account.pk, leg.amount) for leg in legs), memo, reference],
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _replay(existing: LedgerTransaction, request_hash: str) -> LedgerTransaction:
    if existing.request_hash != request_hash:
        raise IdempotencyConflict(
            f"The key {existing.idempotency_key!r} was used for another posting."
        )
    return existing


def _check_balanced(legs: Sequence[Leg]) -> None:
    if not legs:
        raise UnbalancedTransaction("A transaction needs entries.")
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        if not isinstance(leg.amount, int) or isinstance(leg.amount, bool) or leg.amount == 0:
            raise UnbalancedTransaction(f"Amounts are non-zero integers, not {leg.amount!r}.")
        totals[leg.account.asset] += leg.amount
    unbalanced = {asset: total for asset, total in totals.items() if total}
    if unbalanced:
        raise UnbalancedTransaction(f"Entries must sum to zero per asset: {unbalanced}.")


def ledger_post(
    *,
    kind: str,
    legs: Sequence[Leg],
    idempotency_key: str,
    memo: str = "",
    reference: str = "",
    reverses: LedgerTransaction | None = None,
) -> LedgerTransaction:
    """Post a balanced transaction, all or nothing, once per ``idempotency_key``.

    Replaying a key with the same posting returns the first transaction; with another posting
    it raises `IdempotencyConflict`. The accounts are locked in id order (so two postings never
    deadlock), checked against their minimums (`InsufficientBalance`), and their posted totals
    updated in the same database transaction as the entries.
    """
    if kind not in TransactionKind.values:
        raise LedgerError(f"Unknown transaction kind {kind!r}.")
    _check_balanced(legs)
    request_hash = _request_hash(kind, legs, memo, reference)
    with transaction.atomic():
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replay(existing, request_hash)

        net: dict[int, int] = defaultdict(int)
        credits: dict[int, int] = defaultdict(int)
        debits: dict[int, int] = defaultdict(int)
        for leg in legs:
            net[leg.account.pk] += leg.amount
            if leg.amount > 0:
                credits[leg.account.pk] += leg.amount
            else:
                debits[leg.account.pk] -= leg.amount
        locked = {
            account.pk: account
            for account in LedgerAccount.objects.select_for_update()
            .filter(pk__in=net)
            .order_by("pk")
        }
        for account_id, amount in net.items():
            account = locked[account_id]
            if account.falls_under_minimum(amount):
                # A retry of a posting that committed while we waited for the locks finds the
                # balance already spent by itself: replay it rather than refuse it.
                committed = LedgerTransaction.objects.filter(
                    idempotency_key=idempotency_key
                ).first()
                if committed is not None:
                    return _replay(committed, request_hash)
                raise InsufficientBalance(account, -amount)

        try:
            with transaction.atomic():
                posted = LedgerTransaction.objects.create(
                    kind=kind,
                    idempotency_key=idempotency_key,
                    request_hash=request_hash,
                    memo=memo[:300],
                    reference=reference,
                    reverses=reverses,
                )
        except IntegrityError as exc:
            # The same key was committed while we waited for the locks, or (without a key
            # clash) the transaction to reverse has been reversed already.
            committed = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
            if committed is None:
                raise LedgerError(f"{reverses} has already been reversed.") from exc
            return _replay(committed, request_hash)
        Entry.objects.bulk_create(
            Entry(
                transaction=posted,
                account_id=leg.account.pk,
                asset=leg.account.asset,
                amount=leg.amount,
            )
            for leg in legs
        )
        for account_id in sorted(net):
            LedgerAccount.objects.filter(pk=account_id).update(
                credits_posted=F("credits_posted") + credits[account_id],
                debits_posted=F("debits_posted") + debits[account_id],
            )
    return posted


@dataclass(frozen=True)
class Posting:
    """One transaction of `ledger_post_fresh`: as `ledger_post`'s arguments."""

    kind: str
    legs: Sequence[Leg]
    idempotency_key: str
    memo: str = ""
    reference: str = ""


def accounts_lock(*, ids=(), names=(), names_asset: str = "") -> dict[int, LedgerAccount]:
    """Lock and read afresh the accounts with ``ids`` and those called ``names`` (of
    ``names_asset``), in id order as every posting locks them, in one statement; returns them by
    id (a name with no account is simply absent).

    Raw SQL: it runs on every rewarding check-in, and building the ORM's query for it cost more
    CPU than the database spends answering it.
    """
    table = LedgerAccount._meta.db_table
    ids, names = list(ids), list(names)
    conditions, params = [], []
    if ids:
        conditions.append(f"id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if names:
        conditions.append(f"(asset = %s AND name IN ({', '.join(['%s'] * len(names))}))")
        params += [names_asset, *names]
    if not conditions:
        return {}
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = (
        "SELECT id, name, asset, min_balance, debits_posted, credits_posted, created_at "
        f"FROM {table} WHERE {' OR '.join(conditions)} ORDER BY id{lock}"
    )
    accounts = LedgerAccount.objects.raw(sql, params)
    return {account.pk: account for account in accounts}


def ledger_post_fresh(
    postings: Sequence[Posting], *, locked: dict[int, LedgerAccount]
) -> list[LedgerTransaction]:
    """Post several balanced transactions whose keys have never been used, whatever their
    number, in one statement on PostgreSQL (three elsewhere): the transactions, their entries,
    and every account's totals.

    For a caller that knows its keys are new (they name a row it inserted in this same
    transaction, like a check-in's id) and holds the accounts locked (`accounts_lock`), fresh:
    the minimums are checked against ``locked`` (`InsufficientBalance`, before anything is
    written). A key that was used after all still fails on its unique index, and the database
    still checks every account's minimum and, on PostgreSQL, that each transaction balances.
    Must run inside the caller's transaction. Returns the transactions, in ``postings``' order.
    """
    if not postings:
        return []
    credits: dict[int, int] = defaultdict(int)
    debits: dict[int, int] = defaultdict(int)
    for posting in postings:
        if posting.kind not in TransactionKind.values:
            raise LedgerError(f"Unknown transaction kind {posting.kind!r}.")
        _check_balanced(posting.legs)
        for leg in posting.legs:
            if leg.amount > 0:
                credits[leg.account.pk] += leg.amount
            else:
                debits[leg.account.pk] -= leg.amount
    for account_id in credits.keys() | debits.keys():
        account = locked[account_id]
        change = credits[account_id] - debits[account_id]
        if account.falls_under_minimum(change):
            raise InsufficientBalance(account, -change)
    now = timezone.now()
    transactions = [
        LedgerTransaction(
            kind=posting.kind,
            idempotency_key=posting.idempotency_key,
            request_hash=_request_hash(posting.kind, posting.legs, posting.memo, posting.reference),
            memo=posting.memo[:300],
            reference=posting.reference,
            created_at=now,
        )
        for posting in postings
    ]
    entries = [
        Entry(
            transaction=posted,
            account_id=leg.account.pk,
            asset=leg.account.asset,
            amount=leg.amount,
            created_at=now,
        )
        for posted, posting in zip(transactions, postings, strict=True)
        for leg in posting.legs
    ]
    if connection.vendor == "postgresql":
        _write_in_one_statement(transactions, entries, credits, debits)
    else:
        LedgerTransaction.objects.bulk_create(transactions)
        Entry.objects.bulk_create(entries)
        _totals_add(credits, debits)
    for posted in transactions:
        posted._state.adding = False
        posted._state.db = connection.alias
    return transactions


def _totals_sql(credits: dict[int, int], debits: dict[int, int]) -> tuple[str, list[int]]:
    """``UPDATE`` adding to the posted totals of many accounts at once (a CASE per column)."""
    table = LedgerAccount._meta.db_table
    ids = sorted(credits.keys() | debits.keys())
    # Typed, so the sum stays a bigint whichever way the driver binds the parameters.
    cases = " ".join("WHEN %s THEN CAST(%s AS BIGINT)" for _ in ids)
    params: list[int] = []
    for totals in (credits, debits):
        for account_id in ids:
            params += [account_id, totals.get(account_id, 0)]
    sql = (
        f"UPDATE {table} SET "
        f"credits_posted = credits_posted + CASE id {cases} ELSE 0 END, "
        f"debits_posted = debits_posted + CASE id {cases} ELSE 0 END "
        f"WHERE id IN ({', '.join(['%s'] * len(ids))})"
    )
    return sql, params + ids


def _write_in_one_statement(transactions, entries, credits, debits) -> None:
    """The transactions, their entries and the account totals in one PostgreSQL statement
    (data-modifying CTEs): one round trip instead of three on the rewarding check-in.

    The entries' foreign keys and the zero-sum trigger are deferred to the commit, the
    accounts' minimums are checked on the UPDATE's rows as ever.
    """
    transaction_table = LedgerTransaction._meta.db_table
    entry_table = Entry._meta.db_table
    update, update_params = _totals_sql(credits, debits)
    transaction_columns = ("id", "kind", "idempotency_key", "request_hash", "memo", "reference")
    entry_columns = ("transaction_id", "account_id", "asset", "amount")

    def values(rows, columns) -> tuple[str, list]:
        columns = (*columns, "created_at")
        row = f"({', '.join(['%s'] * len(columns))})"
        params = [getattr(item, column) for item in rows for column in columns]
        return f"({', '.join(columns)}) VALUES {', '.join([row] * len(rows))}", params

    transaction_values, transaction_params = values(transactions, transaction_columns)
    entry_values, entry_params = values(entries, entry_columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH posted AS (INSERT INTO {transaction_table} {transaction_values}), "
            f"legs AS (INSERT INTO {entry_table} {entry_values}) {update}",
            transaction_params + entry_params + update_params,
        )


def _totals_add(credits: dict[int, int], debits: dict[int, int]) -> None:
    """Add to the posted totals of many accounts in one UPDATE.

    Raw SQL: the ORM's Case/When for a handful of accounts costs more CPU to build than the
    statement costs to run. The accounts are locked already, so row order does not matter.
    """
    sql, params = _totals_sql(credits, debits)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def ledger_reverse(
    *, original: LedgerTransaction, idempotency_key: str, memo: str = ""
) -> LedgerTransaction:
    """Undo ``original`` with a transaction of the opposite entries (it may fail if an account
    has since spent what it received: the minimum still holds)."""
    legs = [
        Leg(entry.account, -entry.amount)
        for entry in original.entries.select_related("account").order_by("id")
    ]
    return ledger_post(
        kind=TransactionKind.REVERSE,
        legs=legs,
        idempotency_key=idempotency_key,
        memo=memo or memo_of("reverses", key=original.idempotency_key),
        reference=original.reference,
        reverses=original,
    )


def balance(account: LedgerAccount) -> int:
    """The current balance, read from the account row: O(1) whatever the history."""
    credits, debits = (
        LedgerAccount.objects.filter(pk=account.pk)
        .values_list("credits_posted", "debits_posted")
        .get()
    )
    return credits - debits
