"""What a check-in earns: the live offers' rewards, decided and built by one function.

`rewards_for_checkin` runs inside the check-in's transaction, under its row lock on the
resident (which serialises the resident's check-ins, so counting their grants for
``per_user_limit`` and the frequency rule cannot race). A rewarding check-in is the hot path of
the whole project, so it is written for its statement count (issue 16; ``bench/README.md``):

1. one query reads the live offers with their pool, the scheme of their council, the
   resident's wallet there and the resident's grants of each (`offers_live_for_checkin`);
2. `_pay` decides, offer by offer, in Python (`_decide`: the per-resident limit, the offer's
   rule, then the check-in's evidence, asked once of `offer_accepts_evidence`); an offer whose
   rule fails for a reason of its own is skipped and logged: nothing a manager saves may stop a
   venue's check-ins. An offer the rule would pay but whose evidence it does not accept is
   listed as ``not_earned``: the check-in still counts as a visit;
3. one statement locks, in id order, every account the rewards touch (`accounts_lock`), and
   an offer whose pool cannot pay (its budget is spent) is left out;
4. the postings are written in three statements whatever their number (`ledger_post_fresh`),
   then the lots, the vouchers and the grants in one bulk insert each.

Accounts are made with the offer (its pool) and on a resident's first reward (their wallet in
a scheme, their voucher account of an offer: one insert for all of them), never looked up with
``get_or_create``. If the batch fails in the database for any reason but the database
itself (a voucher code drawn twice, say), `RewardsBatchFailed` rolls the check-in back and the
check-in service records it again with `rewards_for_checkin_one_by_one`: the same `_pay`, given
one offer at a time, each in its own savepoint, skipped alone if it fails. There is one payout
path, so a new rule is written once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction

from accounts import ages
from rewards import account_names
from rewards.evidence import offer_accepts_evidence
from rewards.ledger.memos import memo
from rewards.ledger.models import Asset, LedgerAccount, TransactionKind
from rewards.ledger.services import Leg, Posting, accounts_lock, ledger_post_fresh
from rewards.models import OfferAudience, OfferRule, RewardGrant, Voucher
from rewards.offers.selectors import LiveOffer, offer_last_grant_at, offers_live_for_checkin
from rewards.schemes.models import PointsLot, Wallet
from rewards.schemes.services import council_scheme_ensure
from rewards.stripe.outbox import promotion_code_request
from rewards.vouchers.services import new_code
from venues.models import Council, Venue

logger = logging.getLogger(__name__)

VisitsSince = Callable[[datetime | None], int]
# A voucher code drawn twice (about one in 10^11) fails one offer's savepoint: it is drawn again.
_ONE_OFFER_ATTEMPTS = 3


class RewardsBatchFailed(Exception):
    """The batch failed in the database: roll the check-in back and record it again with
    `rewards_for_checkin_one_by_one`."""


@dataclass
class CheckinRewards:
    """What a check-in earned: ``points`` in all, ``rewards`` (``{"offer", "kind", "points"?,
    "voucher"?}``, in the offers' id order), and ``not_earned``: the offers its evidence did not
    earn (``{"offer", "title", "accepts"}``), which a stronger evidence would have."""

    points: int = 0
    rewards: list[dict] = field(default_factory=list)
    not_earned: list[dict] = field(default_factory=list)

    def add(self, other: "CheckinRewards") -> None:
        self.points += other.points
        self.rewards += other.rewards
        self.not_earned += other.not_earned


@dataclass
class _Reward:
    offer: LiveOffer
    pool: LedgerAccount
    target: LedgerAccount  # the wallet (points) or the voucher account (a voucher)

    @property
    def amount(self) -> int:
        return 1 if self.offer.voucher_title else self.offer.points


def _rule_pays(offer, resident, checked_in_at: datetime, visits_since: VisitsSince) -> bool:
    """Whether the offer's rule rewards this check-in (``offer``: an `Offer` or a
    `LiveOffer`)."""
    if offer.rule == OfferRule.EVERY_CHECKIN:
        return True
    if offer.rule == OfferRule.FIRST_CHECKIN:
        return visits_since(None) == 1
    if offer.rule == OfferRule.NTH_CHECKIN:
        return visits_since(None) % offer.every_n == 0
    if offer.rule == OfferRule.FREQUENCY:
        # Each reward needs every_n fresh visits within the window: the ones that earned the
        # last reward do not count again.
        since = checked_in_at - timedelta(days=offer.window_days)
        last_grant = offer_last_grant_at(offer=offer, resident=resident)
        if last_grant is not None and last_grant > since:
            since = last_grant
        return visits_since(since) >= offer.every_n
    return False


_PAYS, _NOT_ACCEPTED, _NOTHING = "pays", "not_accepted", "nothing"


def _decide(offer: LiveOffer, resident, checked_in_at, evidence: str, visits_since) -> str:
    """Whether ``offer`` pays this check-in: `_PAYS`; `_NOT_ACCEPTED` when its rule would but
    the check-in's evidence does not earn it; `_NOTHING` otherwise. The rule is asked before
    the evidence, so ``not_earned`` never names an offer the visit could not have earned."""
    if not offer_is_for(offer, resident):
        return _NOTHING
    if offer.per_user_limit is not None and offer.resident_grants >= offer.per_user_limit:
        return _NOTHING
    if not _rule_pays(offer, resident, checked_in_at, visits_since):
        return _NOTHING
    if not offer_accepts_evidence(offer, evidence):
        return _NOT_ACCEPTED
    return _PAYS


def offer_is_for(offer, resident) -> bool:
    """Whether ``resident`` is in the offer's audience: children (anyone under 18,
    ``accounts.ages.is_minor``), adults, or everyone. Someone outside it is not told of it in
    ``not_earned``: nothing they could show would earn it."""
    if offer.audience == OfferAudience.EVERYONE:
        return True
    return ages.is_minor(resident) == (offer.audience == OfferAudience.CHILDREN)


def _counted_visits(visits_since: VisitsSince) -> VisitsSince:
    """``visits_since`` asked once per ``since``: two offers counting all visits share a query."""
    answers: dict = {}

    def counted(since):
        if since not in answers:
            answers[since] = visits_since(since)
        return answers[since]

    return counted


def _pay(
    offers: list[LiveOffer],
    *,
    resident,
    checkin_id,
    checked_in_at: datetime,
    evidence: str,
    visits_since: VisitsSince,
) -> CheckinRewards:
    """Decide what each of ``offers`` pays this check-in and give it: the one payout path of
    the batch (every live offer) and of its fallback (one offer per savepoint)."""
    earning, outcome = [], CheckinRewards()
    for offer in offers:
        try:
            verdict = _decide(offer, resident, checked_in_at, evidence, visits_since)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("Offer %s failed for check-in %s; skipped", offer.id, checkin_id)
            continue
        if verdict == _PAYS:
            earning.append(offer)
        elif verdict == _NOT_ACCEPTED:
            outcome.not_earned.append(
                {"offer": str(offer.id), "title": offer.title, "accepts": offer.accepts}
            )
    if earning:
        outcome.points, outcome.rewards = _give(earning, resident, checkin_id, checked_in_at)
    return outcome


def rewards_for_checkin(
    *,
    resident,
    venue: Venue,
    checkin_id,
    checked_in_at: datetime,
    evidence: str,
    visits_since: VisitsSince,
) -> CheckinRewards:
    """Give what the live offers owe for one accepted check-in shown by ``evidence``.

    Must run inside the check-in's transaction, under its row lock on the resident.
    ``visits_since(since)`` counts the resident's (unvoided) check-ins at the venue after
    ``since`` (None: all), this one included. Raises `RewardsBatchFailed` when the batch fails
    in the database.
    """
    offers = offers_live_for_checkin(venue=venue, resident_id=resident.pk, at=checked_in_at)
    if not offers:
        return CheckinRewards()
    try:
        return _pay(
            offers,
            resident=resident,
            checkin_id=checkin_id,
            checked_in_at=checked_in_at,
            evidence=evidence,
            visits_since=_counted_visits(visits_since),
        )
    except (OperationalError, InterfaceError):
        # The database itself failed (a dropped connection, a lock timeout): the whole check-in
        # fails and leaves nothing; the phone's retry, under its Idempotency-Key, succeeds once.
        raise
    except Exception as exc:
        raise RewardsBatchFailed(f"Rewards of check-in {checkin_id} failed as a batch") from exc


def rewards_for_checkin_one_by_one(
    *,
    resident,
    venue: Venue,
    checkin_id,
    checked_in_at: datetime,
    evidence: str,
    visits_since: VisitsSince,
) -> CheckinRewards:
    """As `rewards_for_checkin`, through the same `_pay`, one offer at a time, each in its own
    savepoint: an offer that fails leaves nothing behind and is skipped (and logged); the
    check-in stands and the other offers still give."""
    outcome = CheckinRewards()
    visits_since = _counted_visits(visits_since)
    offers = offers_live_for_checkin(venue=venue, resident_id=resident.pk, at=checked_in_at)
    for index, offer in enumerate(offers):
        accounts_read = offer.wallet_id, offer.held_id
        for attempt in range(1, _ONE_OFFER_ATTEMPTS + 1):
            # A failed attempt may have named accounts its savepoint then took back.
            offer.wallet_id, offer.held_id = accounts_read
            try:
                with transaction.atomic():
                    one = _pay(
                        [offer],
                        resident=resident,
                        checkin_id=checkin_id,
                        checked_in_at=checked_in_at,
                        evidence=evidence,
                        visits_since=visits_since,
                    )
            except (OperationalError, InterfaceError):
                raise
            except IntegrityError:
                if attempt < _ONE_OFFER_ATTEMPTS:
                    continue
                logger.exception("Offer %s failed for check-in %s; skipped", offer.id, checkin_id)
            except Exception:
                logger.exception("Offer %s failed for check-in %s; skipped", offer.id, checkin_id)
            else:
                outcome.add(one)
                # A wallet this offer made is the later offers' of the same scheme too.
                for later in offers[index + 1 :]:
                    if later.scheme_id == offer.scheme_id and later.wallet_id is None:
                        later.wallet_id = offer.wallet_id
            break
    return outcome


def _accounts_for(earning: list[LiveOffer], resident) -> dict[int, LedgerAccount]:
    """Every account the rewards touch, locked in id order. A resident's first wallet in a
    scheme and first voucher account of an offer are made here, all in one insert (and the
    wallets' index rows in one more): new rows, that no other transaction sees until this one
    commits, so they need no lock. The resident's row lock keeps their own check-ins from
    making them twice; anything else that does (a claim making the wallet at that instant)
    fails the batch, and the one-by-one path takes over."""
    for offer in earning:
        if offer.scheme_id is None:  # a council made without its signal (a bulk insert)
            council = Council.objects.get(pk=offer.council_id)
            offer.scheme_id = council_scheme_ensure(council=council).pk
    held_names = {
        offer.id: account_names.held_vouchers(
            resident.pk, account_names.voucher_source(offer_id=offer.id)
        )
        for offer in earning
        if offer.voucher_title
    }
    ids = {offer.pool_id for offer in earning} | {
        offer.wallet_id for offer in earning if offer.wallet_id is not None
    }
    locked = accounts_lock(ids=ids, names=held_names.values(), names_asset=Asset.VOUCHER)
    by_name = {account.name: account for account in locked.values()}
    new_accounts: dict[str, LedgerAccount] = {}
    wallet_schemes: dict[str, int] = {}
    for offer in earning:
        if offer.voucher_title:
            name, asset = held_names[offer.id], Asset.VOUCHER
        elif offer.wallet_id is None:
            name, asset = account_names.wallet(resident.pk, offer.scheme_id), Asset.POINTS
            wallet_schemes[name] = offer.scheme_id
        else:
            continue
        if name not in by_name:
            new_accounts.setdefault(name, LedgerAccount(name=name, asset=asset, min_balance=0))
    if new_accounts:
        for account in LedgerAccount.objects.bulk_create(new_accounts.values()):
            by_name[account.name] = locked[account.pk] = account
        Wallet.objects.bulk_create(
            Wallet(account=by_name[name], resident_id=resident.pk, scheme_id=scheme_id)
            for name, scheme_id in wallet_schemes.items()
            if name in new_accounts
        )
    for offer in earning:
        if offer.voucher_title:
            offer.held_id = by_name[held_names[offer.id]].pk
        elif offer.wallet_id is None:
            offer.wallet_id = by_name[account_names.wallet(resident.pk, offer.scheme_id)].pk
    return locked


def _give(earning: list[LiveOffer], resident, checkin_id, now: datetime) -> tuple[int, list[dict]]:
    locked = _accounts_for(earning, resident)
    rewards: list[_Reward] = []
    for offer in earning:
        pool = locked[offer.pool_id]
        target = locked[offer.held_id if offer.voucher_title else offer.wallet_id]
        reward = _Reward(offer, pool, target)
        if pool.left_under_minimum is not None and pool.left_under_minimum < reward.amount:
            continue  # the offer's budget is spent: it simply stops rewarding
        rewards.append(reward)
    if not rewards:
        return 0, []
    reference = account_names.checkin_reference(checkin_id)
    postings = [
        Posting(
            kind=TransactionKind.EARN,
            legs=[Leg(reward.pool, -reward.amount), Leg(reward.target, reward.amount)],
            idempotency_key=account_names.offer_grant_key(reward.offer.id, checkin_id),
            memo=(
                memo("voucher", title=reward.offer.voucher_title)
                if reward.offer.voucher_title
                else memo("offer", title=reward.offer.title)
            ),
            reference=reference,
        )
        for reward in rewards
    ]
    posted = ledger_post_fresh(postings, locked=locked)
    lots, vouchers, grants, answers = [], [], [], []
    for reward, transaction_row in zip(rewards, posted, strict=True):
        offer = reward.offer
        voucher = None
        if offer.voucher_title:
            days = offer.voucher_valid_days or settings.VOUCHER_VALID_DAYS
            voucher = Voucher(
                code=new_code(),
                resident=resident,
                title=offer.voucher_title,
                title_cy=offer.voucher_title_cy,
                council_id=offer.council_id,
                venue_id=offer.venue_id,
                offer_id=offer.id,
                issued_at=now,
                expires_at=now + timedelta(days=days),
                issue_transaction=transaction_row,
            )
            vouchers.append(voucher)
            answers.append({"offer": str(offer.id), "kind": "voucher", "voucher": str(voucher.pk)})
        else:
            lots.append(
                PointsLot(
                    wallet_id=reward.target.pk,
                    resident=resident,
                    earned=offer.points,
                    remaining=offer.points,
                    earned_at=now,
                    expires_at=now + timedelta(days=settings.POINTS_EXPIRY_DAYS),
                    transaction=transaction_row,
                )
            )
            answers.append({"offer": str(offer.id), "kind": "points", "points": offer.points})
        grants.append(
            RewardGrant(
                offer_id=offer.id,
                resident=resident,
                checkin_id=checkin_id,
                points=0 if voucher else offer.points,
                voucher=voucher,
                transaction=transaction_row,
                created_at=now,
            )
        )
    if lots:
        PointsLot.objects.bulk_create(lots)
    if vouchers:
        Voucher.objects.bulk_create(vouchers)
        for reward, voucher in zip(
            (reward for reward in rewards if reward.offer.voucher_title), vouchers, strict=True
        ):
            if reward.offer.stripe_coupon_id:
                promotion_code_request(voucher=voucher, coupon_id=reward.offer.stripe_coupon_id)
    RewardGrant.objects.bulk_create(grants)
    return sum(lot.earned for lot in lots), answers
