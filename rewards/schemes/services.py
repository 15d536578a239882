"""Schemes and wallets: a council's scheme, a resident's wallet in a scheme, and grouping
councils into one scheme (superusers only: the back office's scheme pages).

Grouping moves councils, and with them the points: a scheme left with no council is merged
into the scheme its councils joined, each resident's wallet there moved across by one
``adjust`` posting with its open lots, so nobody's points are stranded in a currency no
council accepts. A council taken out of a shared scheme starts a scheme of its own; the points
already earned stay where they are, spendable at the councils still in it.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from backend.errors import INVALID, ApplicationError
from rewards import account_names
from rewards.ledger.models import Asset, LedgerAccount, TransactionKind
from rewards.ledger.services import Leg, ledger_post
from rewards.schemes.models import PointsLot, Scheme, SchemeMember, Wallet
from venues.models import Council


def council_scheme_ensure(council: Council) -> Scheme:
    """The council's scheme, made (alone in it, named after it) if it has none yet."""
    member = SchemeMember.objects.select_related("scheme").filter(council=council).first()
    if member is not None:
        return member.scheme
    with transaction.atomic():
        scheme = Scheme.objects.create(name=council.name[:120])
        try:
            with transaction.atomic():
                SchemeMember.objects.create(council=council, scheme=scheme)
        except IntegrityError:  # made concurrently: use that one
            scheme.delete()
            return SchemeMember.objects.select_related("scheme").get(council=council).scheme
    return scheme


def wallet_account(*, resident_id, scheme_id) -> LedgerAccount:
    """The resident's wallet account in the scheme, made on their first points there."""
    wallet = (
        Wallet.objects.select_related("account")
        .filter(resident_id=resident_id, scheme_id=scheme_id)
        .first()
    )
    if wallet is not None:
        return wallet.account
    with transaction.atomic():
        account, _ = LedgerAccount.objects.get_or_create(
            name=account_names.wallet(resident_id, scheme_id),
            asset=Asset.POINTS,
            defaults={"min_balance": 0},
        )
        Wallet.objects.get_or_create(
            account=account, defaults={"resident_id": resident_id, "scheme_id": scheme_id}
        )
    return account


def scheme_errors(*, scheme: Scheme | None, councils: list[Council]) -> dict[str, list[str]]:
    """What `scheme_create` and `scheme_update` refuse (the back office's form asks first):
    a merged scheme (it is history), or no council (its points could be spent nowhere)."""
    problems = {}
    if scheme is not None and scheme.merged_into_id is not None:
        problems[None] = [f"This scheme was merged into {scheme.merged_into}: it cannot change."]
    if not councils:
        problems["councils"] = [
            "Choose at least one council: a scheme with none holds points nobody can spend."
        ]
    return problems


def _refuse(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ApplicationError(INVALID, "The scheme was not saved.", fields=problems)


def scheme_create(*, name: str, councils) -> Scheme:
    """A new scheme holding ``councils`` (each leaves the scheme it was in)."""
    councils = list(councils)
    _refuse(scheme_errors(scheme=None, councils=councils))
    with transaction.atomic():
        scheme = Scheme.objects.create(name=name)
        scheme_councils_set(scheme=scheme, councils=councils)
    return scheme


def scheme_update(*, scheme: Scheme, name: str, councils) -> Scheme:
    """Rename ``scheme`` and make ``councils`` its members (`scheme_councils_set`), in one
    transaction under the scheme's row lock."""
    councils = list(councils)
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        _refuse(scheme_errors(scheme=scheme, councils=councils))
        if scheme.name != name:
            scheme.name = name
            scheme.save(update_fields=["name"])
        return scheme_councils_set(scheme=scheme, councils=councils)


def scheme_councils_set(*, scheme: Scheme, councils) -> Scheme:
    """Make ``councils`` the members of ``scheme``.

    A council that joins leaves its old scheme; an old scheme left with no council is merged
    into this one (its wallets moved here). A council that leaves starts a scheme of its own.
    """
    wanted = {council.pk: council for council in councils}
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.merged_into_id is not None:
            raise ValueError(f"{scheme} was merged into another scheme.")
        current = set(scheme.members.values_list("council_id", flat=True))
        emptied = set()
        for council_id in wanted.keys() - current:
            member = SchemeMember.objects.select_for_update().filter(council_id=council_id).first()
            if member is None:
                SchemeMember.objects.create(council_id=council_id, scheme=scheme)
                continue
            emptied.add(member.scheme_id)
            member.scheme = scheme
            member.save(update_fields=["scheme"])
        for council_id in current - wanted.keys():
            council = Council.objects.get(pk=council_id)
            SchemeMember.objects.filter(council_id=council_id).update(
                scheme=Scheme.objects.create(name=council.name[:120])
            )
        left_empty = list(
            Scheme.objects.filter(pk__in=emptied, members__isnull=True).exclude(pk=scheme.pk)
        )
        for old in left_empty:
            old.merged_into = scheme
            old.save(update_fields=["merged_into"])
    # Every scheme ever merged into this one, not only today's: a move cut short (a crash, a
    # deploy) is finished by the next save of the scheme. A moved wallet is skipped cheaply.
    for old in Scheme.objects.filter(merged_into=scheme).order_by("pk"):
        scheme_wallets_move(from_scheme=old, into_scheme=scheme)
    return scheme


def scheme_wallets_move(*, from_scheme: Scheme, into_scheme: Scheme) -> int:
    """Move every wallet of ``from_scheme`` into ``into_scheme``, each in its own transaction
    under the resident's row lock (as their check-ins take it); returns how many moved.
    Idempotent and resumable: a wallet is moved once, under its own key."""
    moved = 0
    resident_ids = list(
        Wallet.objects.filter(scheme=from_scheme).values_list("resident_id", flat=True)
    )
    for resident_id in resident_ids:
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=resident_id).exists()
            source = Wallet.objects.select_related("account").get(
                resident_id=resident_id, scheme=from_scheme
            )
            lots = list(
                PointsLot.objects.select_for_update()
                .filter(wallet=source, remaining__gt=0)
                .order_by("expires_at", "id")
            )
            amount = sum(lot.remaining for lot in lots)
            if not amount:
                continue
            target = wallet_account(resident_id=resident_id, scheme_id=into_scheme.pk)
            ledger_post(
                kind=TransactionKind.ADJUST,
                legs=[Leg(source.account, -amount), Leg(target, amount)],
                idempotency_key=account_names.scheme_merge_key(
                    resident_id=resident_id,
                    from_scheme_id=from_scheme.pk,
                    into_scheme_id=into_scheme.pk,
                ),
                memo=f"Points moved: {from_scheme.name} joined {into_scheme.name}"[:300],
                reference=account_names.scheme_reference(into_scheme.pk),
            )
            PointsLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(wallet_id=target.pk)
            moved += 1
    return moved
