"""A council with one of everything the back office lists, made through the real services
(a check-in that earns points and a voucher, a refused check-in, a check-in voided as fraud, an
alert, a comment with a report and the venue's reply, a council's link, a claimed catalog item, a
poster, roles, an invitation, two councils grouped into one points scheme, and the activity all
that leaves in the log), plus the
records other systems leave (Stripe, axes, refresh tokens). Used by the tests that walk every
admin page."""

import contextlib
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from backend.errors import ApplicationError
from checkins.alerts.services import alert_raise
from checkins.comments.replies import comment_reply_create
from checkins.comments.services import comment_create, comment_report
from checkins.models import CheckIn
from checkins.services import Fix, checkin_record
from checkins.voiding import checkin_void
from rewards.catalog.services import catalog_item_create
from rewards.models import StripeEvent, StripePromotionCode, Voucher
from rewards.offers.services import offer_create
from rewards.schemes.services import scheme_create
from tests.factories import (
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from tests.rewards.helpers import issued_voucher
from venues.invitations.services import invitation_create
from venues.links import council_link_save
from venues.models import CouncilLink, Role
from venues.posters.services import poster_create


@dataclass
class World:
    venue: object
    other_venue: object  # same council, managed by someone else
    other_council_venue: object
    resident: object
    staff: object
    manager: object
    other_manager: object
    council_admin: object
    superuser: object


def at(venue) -> Fix:
    return Fix(latitude=venue.latitude, longitude=venue.longitude, accuracy_m=10)


def back_office_world() -> World:
    venue = VenueFactory(name="Leeds Central Library")
    other_venue = VenueFactory(council=venue.council, name="Armley Library")
    other_council_venue = VenueFactory(name="York Explore")
    resident = UserFactory(display_name="Rosa Resident")
    world = World(
        venue=venue,
        other_venue=other_venue,
        other_council_venue=other_council_venue,
        resident=resident,
        staff=venue_staff_of(venue),
        manager=venue_manager_of(venue),
        other_manager=venue_manager_of(other_venue),
        council_admin=council_admin_of(venue.council),
        superuser=UserFactory(is_superuser=True, is_staff=True),
    )
    for place in (venue, other_venue, other_council_venue):
        offer_create(
            council=None,
            venue=place,
            created_by=None,
            title="Ten points",
            rule="every_checkin",
            points=10,
        )
        offer_create(
            council=None,
            venue=place,
            created_by=None,
            title="A free coffee",
            rule="first_checkin",
            voucher_title="Free coffee",
            max_rewards=50,
        )
        item = catalog_item_create(
            council=place.council, venue=place, title="Swim pass", cost_points=20, stock=5
        )
        checkin_record(resident=resident, venue=place, fix=at(place))
        comment = comment_create(author=resident, venue=place, body="Lovely staff.", rating=5)
        reporter = UserFactory()  # reports come from residents who may comment there
        checkin_record(resident=reporter, venue=place, fix=at(place))
        comment_report(comment=comment, reporter=reporter, reason="spam")
        comment_reply_create(comment=comment, by=world.superuser, body="Thank you for visiting us.")
        issued_voucher(resident, item)
        poster = poster_create(venue=place, label="Main entrance", created_by=None)
        alert_raise(
            kind="poster_leak",
            venue=place,
            poster=poster,
            account=resident,
            dedupe_key=f"poster_leak:{poster.pk}",
            detail="Used alone by 11 residents in 30 minutes.",
        )
    # A check-in voided as fraud, with what it earned taken back.
    checkin_void(
        checkin=CheckIn.objects.filter(venue=other_council_venue, resident=resident).get(),
        by=world.superuser,
        reason="Shared poster",
    )
    with contextlib.suppress(ApplicationError):  # a refusal (cooldown), for the fraud log
        checkin_record(resident=resident, venue=venue, fix=at(venue))
    council_link_save(
        link=CouncilLink(
            council=venue.council, label="Leeds Libraries", url="https://www.leeds.gov.uk/"
        ),
        by=world.council_admin,
    )
    # The libraries' two councils in one points scheme: the first council's own scheme (the
    # first scheme, which the walk opens) is merged, so its read-only page is walked too.
    scheme_create(name="Yorkshire Libraries", councils=[venue.council, other_council_venue.council])
    voucher = Voucher.objects.filter(venue=venue).first()
    StripePromotionCode.objects.create(voucher=voucher, coupon_id="coupon_demo")
    StripeEvent.objects.create(
        event_id="evt_demo", type="checkout.session.completed", outcome="ignored"
    )
    invitation_create(
        council=venue.council,
        venue=venue,
        role=Role.Kind.VENUE_STAFF,
        email="new.colleague@example.org",
        invited_by=world.council_admin,
    )
    RefreshToken.for_user(resident).blacklist()
    Group.objects.create(name="Auditors")
    AccessAttempt.objects.create(
        username="x@example.org", ip_address="10.0.0.1", failures_since_start=1
    )
    AccessLog.objects.create(
        username="x@example.org", ip_address="10.0.0.1", attempt_time=timezone.now()
    )
    AccessFailureLog.objects.create(
        username="x@example.org", ip_address="10.0.0.1", locked_out=False
    )
    return world
