"""Every council gets its own points scheme, every offer its pool, and today's points move to
the scheme of the council where each lot was earned.

Before this, a resident had one wallet, ``wallet:<resident>``, for every council. Each lot's
scheme is read from the posting that earned it: the offer whose pool paid it, and that offer's
council. A lot paid from anything else (a hand-made adjustment, a test's source) goes with the
resident's other points, or, if they have none, to the scheme of the oldest council.

The old wallet becomes the wallet of the scheme where the resident holds most (its history
stays with it, unchanged); what the other schemes' lots still hold is moved to a new wallet per
scheme by one ``adjust`` posting each, so ``ledger_audit`` is clean after it: every wallet's
balance is what its lots hold. Ledger rows are only ever added, never changed; only the old
wallet's name changes, to say its scheme.

Going back runs nothing: the ledger keeps what was posted (rows are only ever added), and the
migration before this one drops the schemes' tables. Only a development database goes back.
"""

import hashlib
import json
import uuid
from collections import defaultdict

from django.conf import settings
from django.db import migrations
from django.db.models import F

LEGACY_PREFIX = "wallet:"


def _wallet_name(resident_id, scheme_id) -> str:
    return f"wallet:{resident_id}:{scheme_id}"


def _request_hash(kind, legs, memo, reference) -> str:
    # As rewards.ledger.services._request_hash, so a replay of the key compares equal.
    material = json.dumps(
        [kind, sorted(legs), memo, reference],
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _schemes_for_councils(apps) -> dict:
    Council = apps.get_model("venues", "Council")
    Scheme = apps.get_model("rewards", "Scheme")
    SchemeMember = apps.get_model("rewards", "SchemeMember")
    scheme_of_council = {}
    for council in Council.objects.order_by("created_at", "id"):
        scheme = Scheme.objects.create(name=council.name[:120])
        SchemeMember.objects.create(council=council, scheme=scheme)
        scheme_of_council[council.pk] = scheme.pk
    return scheme_of_council


def _pools(apps, scheme_of_council) -> dict:
    """Each offer's pool account (made if it never was), and the scheme it pays into."""
    Offer = apps.get_model("rewards", "Offer")
    LedgerAccount = apps.get_model("rewards", "LedgerAccount")
    scheme_of_pool = {}
    for offer in Offer.objects.all():
        asset = "VOUCHER" if offer.voucher_title else "POINTS"
        if offer.max_rewards is None:
            minimum = None
        else:
            minimum = -offer.max_rewards * (1 if offer.voucher_title else offer.points)
        pool, _ = LedgerAccount.objects.get_or_create(
            name=f"offer:{offer.pk}:pool", asset=asset, defaults={"min_balance": minimum}
        )
        Offer.objects.filter(pk=offer.pk).update(pool=pool)
        scheme_of_pool[pool.pk] = scheme_of_council[offer.council_id]
    return scheme_of_pool


def _lot_schemes(apps, scheme_of_pool) -> dict:
    """The scheme each lot was earned in (None: not earned from an offer)."""
    PointsLot = apps.get_model("rewards", "PointsLot")
    Entry = apps.get_model("rewards", "Entry")
    source_of_transaction = dict(
        Entry.objects.filter(
            amount__lt=0,
            asset="POINTS",
            transaction_id__in=PointsLot.objects.values("transaction_id"),
        ).values_list("transaction_id", "account_id")
    )
    return {
        lot_id: scheme_of_pool.get(source_of_transaction.get(transaction_id))
        for lot_id, transaction_id in PointsLot.objects.values_list("pk", "transaction_id")
    }


def _move(apps, *, legacy, target, amount, resident_id, scheme_id) -> None:
    LedgerAccount = apps.get_model("rewards", "LedgerAccount")
    LedgerTransaction = apps.get_model("rewards", "LedgerTransaction")
    Entry = apps.get_model("rewards", "Entry")
    memo = "Points moved to the scheme they were earned in"
    reference = f"scheme:{scheme_id}"
    posted = LedgerTransaction.objects.create(
        id=uuid.uuid4(),
        kind="adjust",
        idempotency_key=f"scheme-split:{resident_id}:{scheme_id}",
        request_hash=_request_hash(
            "adjust", [[legacy.pk, -amount], [target.pk, amount]], memo, reference
        ),
        memo=memo,
        reference=reference,
    )
    Entry.objects.bulk_create(
        [
            Entry(transaction=posted, account=legacy, asset="POINTS", amount=-amount),
            Entry(transaction=posted, account=target, asset="POINTS", amount=amount),
        ]
    )
    LedgerAccount.objects.filter(pk=legacy.pk).update(debits_posted=F("debits_posted") + amount)
    LedgerAccount.objects.filter(pk=target.pk).update(credits_posted=F("credits_posted") + amount)


def _split_wallets(apps, lot_scheme, fallback_scheme) -> None:
    LedgerAccount = apps.get_model("rewards", "LedgerAccount")
    PointsLot = apps.get_model("rewards", "PointsLot")
    Wallet = apps.get_model("rewards", "Wallet")
    lots_by_resident = defaultdict(list)
    for lot in PointsLot.objects.order_by("earned_at", "id"):
        lots_by_resident[lot.resident_id].append(lot)
    for resident_id, lots in lots_by_resident.items():
        known = [lot_scheme[lot.pk] for lot in lots if lot_scheme[lot.pk] is not None]
        held = defaultdict(int)
        for lot in lots:
            scheme_id = lot_scheme[lot.pk] or (known[0] if known else fallback_scheme)
            lot_scheme[lot.pk] = scheme_id
            held[scheme_id] += lot.remaining
        # Where the resident holds most (ties: where they earned first) keeps the old wallet.
        order = list(dict.fromkeys(lot_scheme[lot.pk] for lot in lots))
        home = max(order, key=lambda scheme_id: (held[scheme_id], -order.index(scheme_id)))
        legacy = LedgerAccount.objects.filter(
            name=f"{LEGACY_PREFIX}{resident_id}", asset="POINTS"
        ).first()
        if legacy is None:  # lots without a wallet: the audit said so before; give them one
            legacy = LedgerAccount.objects.create(
                name=_wallet_name(resident_id, home), asset="POINTS", min_balance=0
            )
        LedgerAccount.objects.filter(pk=legacy.pk).update(name=_wallet_name(resident_id, home))
        # What the old wallet really holds bounds what can move out of it: where it held less
        # than its lots said (a breach the audit reported before), the audit reports it after.
        movable = legacy.credits_posted - legacy.debits_posted
        wallets = {
            home: Wallet.objects.create(account=legacy, resident_id=resident_id, scheme_id=home)
        }
        for scheme_id in order:
            if scheme_id == home:
                continue
            account = LedgerAccount.objects.create(
                name=_wallet_name(resident_id, scheme_id), asset="POINTS", min_balance=0
            )
            wallets[scheme_id] = Wallet.objects.create(
                account=account, resident_id=resident_id, scheme_id=scheme_id
            )
            amount = min(held[scheme_id], movable)
            if amount > 0:
                _move(
                    apps,
                    legacy=legacy,
                    target=account,
                    amount=amount,
                    resident_id=resident_id,
                    scheme_id=scheme_id,
                )
                movable -= amount
        for scheme_id, wallet in wallets.items():
            PointsLot.objects.filter(
                pk__in=[lot.pk for lot in lots if lot_scheme[lot.pk] == scheme_id]
            ).update(wallet=wallet)


def _wallets_without_lots(apps, fallback_scheme) -> None:
    """An old wallet no lot names (points posted without one) joins the fallback scheme, so
    its points stay the resident's and in sight (the audit reports that no lot holds them)."""
    LedgerAccount = apps.get_model("rewards", "LedgerAccount")
    Wallet = apps.get_model("rewards", "Wallet")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    for account in LedgerAccount.objects.filter(
        name__startswith=LEGACY_PREFIX, asset="POINTS", points_wallet__isnull=True
    ):
        resident_id = account.name.removeprefix(LEGACY_PREFIX)
        if ":" in resident_id or fallback_scheme is None:
            continue
        try:
            resident = User.objects.filter(pk=uuid.UUID(resident_id)).first()
        except ValueError:
            continue  # not a resident's wallet: the ledger is generic
        if resident is None:
            continue
        LedgerAccount.objects.filter(pk=account.pk).update(
            name=_wallet_name(resident.pk, fallback_scheme)
        )
        Wallet.objects.create(account=account, resident=resident, scheme_id=fallback_scheme)


def forwards(apps, schema_editor):
    scheme_of_council = _schemes_for_councils(apps)
    scheme_of_pool = _pools(apps, scheme_of_council)
    lot_scheme = _lot_schemes(apps, scheme_of_pool)
    fallback = next(iter(scheme_of_council.values()), None)
    if lot_scheme and fallback is None:
        Scheme = apps.get_model("rewards", "Scheme")
        fallback = Scheme.objects.create(name="Points earned before schemes").pk
    _split_wallets(apps, lot_scheme, fallback)
    _wallets_without_lots(apps, fallback)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0006_points_schemes")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
