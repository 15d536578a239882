"""Schemes and wallets: a council's scheme, a resident's wallet in a scheme, and grouping
councils into one scheme (superusers only: the back office's scheme pages).

Grouping moves councils, and with them the points: a scheme left with no council is merged
into the scheme its councils joined, and each resident's wallet there is moved across (after
the change commits, by a job: `schemes_settle`) by one ``adjust`` posting with its open lots,
so nobody's points are stranded in a currency no council accepts. A council taken out of a
shared scheme starts a scheme of its own; the points already earned stay where they are,
spendable at the councils still in it.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from backend.errors import INVALID, ApplicationError
from rewards import account_names
from rewards.ledger.memos import memo
from rewards.ledger.models import Asset, LedgerAccount, TransactionKind
from rewards.ledger.services import Leg, ledger_post
from rewards.schemes.models import PointsLot, Scheme, SchemeMember, Wallet
from rewards.schemes.tasks import settle_points_schemes
from venues.models import Council

# Called after a grouping commits, to move the merged schemes' wallets. The rewards app
# registers its Celery task here (rewards.apps): the task module imports the wallet services,
# which import this one, so importing the task here would make a cycle.


def council_scheme_ensure(*, council: Council) -> Scheme:
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


def scheme_errors(*, scheme: Scheme | None, councils: list[Council]) -> dict[str | None, list[str]]:
    """What `scheme_create` and `scheme_update` refuse (the back office's form asks first):
    a merged scheme (it is history), or no council (its points could be spent nowhere)."""
    problems: dict[str | None, list[str]] = {}
    if scheme is not None and scheme.merged_into_id is not None:
        problems[None] = [
            gettext("This scheme was merged into %(scheme)s: it cannot change.")
            % {"scheme": scheme.merged_into}
        ]
    if not councils:
        problems["councils"] = [
            gettext(
                "Choose at least one council: a scheme with none holds points nobody can spend."
            )
        ]
    return problems


def _refuse(problems: dict[str | None, list[str]]) -> None:
    if problems:
        raise ApplicationError(INVALID, gettext("The scheme was not saved."), fields=problems)


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

    A council that joins leaves its old scheme; an old scheme left with no council is marked
    merged into this one, and its wallets are moved here after the change commits (the
    ``settle_points_schemes`` job, `schemes_settle`). A council that leaves starts a scheme of
    its own. Rows are locked in id order, so two saves at once never deadlock.
    """
    wanted = {council.pk: council for council in councils}
    with transaction.atomic():
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.merged_into_id is not None:
            raise ValueError(f"{scheme} was merged into another scheme.")
        current = set(scheme.members.values_list("council_id", flat=True))
        joining = sorted(wanted.keys() - current)
        members = {
            member.council_id: member
            for member in SchemeMember.objects.select_for_update()
            .filter(council_id__in=joining)
            .order_by("council_id")
        }
        emptied = set()
        for council_id in joining:
            member = members.get(council_id)
            if member is None:
                SchemeMember.objects.create(council_id=council_id, scheme=scheme)
                continue
            emptied.add(member.scheme_id)
            member.scheme = scheme
            member.save(update_fields=["scheme"])
        for council_id in sorted(current - wanted.keys()):
            council = Council.objects.get(pk=council_id)
            SchemeMember.objects.filter(council_id=council_id).update(
                scheme=Scheme.objects.create(name=council.name[:120])
            )
        left_empty = Scheme.objects.filter(pk__in=emptied, members__isnull=True).exclude(
            pk=scheme.pk
        )
        if left_empty.update(merged_into=scheme):
            # robust: the change stands if the queue is down; the hourly run moves them then.
            transaction.on_commit(settle_points_schemes.delay, robust=True)
    return scheme


def _final_scheme(scheme_id: int, merged_into: dict[int, int | None]) -> int:
    seen = set()
    while (into := merged_into.get(scheme_id)) is not None and scheme_id not in seen:
        seen.add(scheme_id)
        scheme_id = into
    return scheme_id


def schemes_settle(*, passes: int = 3) -> int:
    """Move every wallet that still holds points in a merged scheme into the scheme it ended
    up in (following ``merged_into`` to the end), one resident at a time; returns how many.

    Run after a grouping commits and hourly (beat): a check-in that read the old membership
    just before the grouping committed may still credit the old scheme's wallet, so it goes
    over them again until a pass moves nothing (at most ``passes``; the next run finishes).
    """
    moved = 0
    for _ in range(passes):
        merged_into: dict[int, int | None] = dict(
            Scheme.objects.values_list("pk", "merged_into_id")
        )
        stranded = list(
            Wallet.objects.filter(scheme__merged_into__isnull=False)
            .filter(account__credits_posted__gt=F("account__debits_posted"))
            .order_by("resident_id", "scheme_id")
            .values_list("resident_id", "scheme_id")
        )
        if not stranded:
            break
        for resident_id, scheme_id in stranded:
            into = _final_scheme(scheme_id, merged_into)
            moved += _wallet_move(resident_id=resident_id, from_id=scheme_id, into_id=into)
    return moved


def _wallet_move(*, resident_id, from_id: int, into_id: int) -> int:
    """Move one resident's points (and open lots) from one scheme's wallet to another's, in
    one transaction under the resident's row lock, as their check-ins take it. 1 if moved."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=resident_id).exists()
        source = Wallet.objects.select_related("account").get(
            resident_id=resident_id, scheme_id=from_id
        )
        lots = list(
            PointsLot.objects.select_for_update()
            .filter(wallet=source, remaining__gt=0)
            .order_by("expires_at", "id")
        )
        amount = sum(lot.remaining for lot in lots)
        if not amount:
            return 0
        target = wallet_account(resident_id=resident_id, scheme_id=into_id)
        names = dict(Scheme.objects.filter(pk__in=[from_id, into_id]).values_list("pk", "name"))
        ledger_post(
            kind=TransactionKind.ADJUST,
            legs=[Leg(source.account, -amount), Leg(target, amount)],
            # The wallet's debits so far make the key one move's own: points that reach the
            # old wallet after a move are moved again under a new key, a retry under the same.
            idempotency_key=account_names.scheme_merge_key(
                resident_id=resident_id,
                from_scheme_id=from_id,
                into_scheme_id=into_id,
                debits_before=source.account.debits_posted,
            ),
            memo=memo("points_moved", source=names[from_id], into=names[into_id]),
            reference=account_names.scheme_reference(into_id),
        )
        PointsLot.objects.filter(pk__in=[lot.pk for lot in lots]).update(wallet_id=target.pk)
    return 1
