"""The staff actions of the desk, fraud review and the conversation are in the activity log too:
a staff check-in, a void, an alert resolved, a poster replaced, a redemption undone, a reply
written, changed and taken down, and a council's links. Each names what happened and where,
never the resident."""

import pytest

from checkins.alerts.services import alert_raise, alert_resolve
from checkins.comments.replies import (
    comment_reply_create,
    comment_reply_delete,
    comment_reply_update,
)
from checkins.models import Comment
from checkins.services import Fix, checkin_record, checkin_record_assisted
from checkins.voiding import checkin_void
from rewards.catalog.services import catalog_item_create
from rewards.vouchers.redemption import voucher_redeem, voucher_redeem_undo
from tests.factories import UserFactory, VenueFactory, council_admin_of, venue_manager_of
from tests.rewards.helpers import issued_voucher
from venues.activity.models import ActivityEntry
from venues.links import council_link_delete, council_link_save
from venues.models import CouncilLink
from venues.posters.services import poster_create, poster_replace

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Leeds Central Library", council__slug="leeds", council__name="Leeds")


def entries() -> list[tuple[str, str]]:
    return list(ActivityEntry.objects.order_by("at", "id").values_list("action", "summary"))


def test_a_staff_check_in_and_its_void_are_recorded_without_the_residents_name(venue):
    manager = venue_manager_of(venue)
    rosa = UserFactory(display_name="Rosa Resident")
    outcome = checkin_record_assisted(staff=manager, venue=venue, resident=rosa)
    checkin_void(checkin=outcome.checkin, by=manager, reason="Checked in the wrong person")
    assert entries() == [
        ("checkin.assisted", "A resident was checked in at Leeds Central Library by staff."),
        (
            "checkin.voided",
            "A check-in at Leeds Central Library was voided: Checked in the wrong person",
        ),
    ]
    assert set(ActivityEntry.objects.values_list("actor", flat=True)) == {manager.pk}
    assert "Rosa" not in str(entries())


def test_an_alert_resolved_and_a_poster_replaced_are_recorded(venue):
    manager = venue_manager_of(venue)
    poster = poster_create(venue=venue, label="Front door", created_by=None)
    alert = alert_raise(
        kind="poster_leak",
        venue=venue,
        poster=poster,
        account=None,
        dedupe_key=f"poster_leak:{poster.pk}",
        detail="Used alone by 12 residents in 30 minutes.",
    )
    ActivityEntry.objects.all().delete()
    poster_replace(poster=poster, replaced_by=manager)
    alert_resolve(alert=alert, by=manager, resolution="Poster replaced")
    actions = [action for action, _ in entries()]
    assert actions == ["poster.revoked", "poster.created", "poster.replaced", "alert.resolved"]


def test_an_undone_redemption_is_recorded_after_the_redemption(venue):
    manager = venue_manager_of(venue)
    item = catalog_item_create(council=venue.council, venue=venue, title="Swim", cost_points=1)
    voucher = issued_voucher(UserFactory(), item)
    voucher_redeem(code=voucher.code, staff=manager)
    voucher_redeem_undo(voucher=voucher, by=manager)
    assert [action for action, _ in entries()][-2:] == ["voucher.redeemed", "voucher.redeem_undone"]


def test_a_reply_written_changed_and_taken_down_is_recorded(venue):
    admin = council_admin_of(venue.council)
    author = UserFactory()
    checkin_record(resident=author, venue=venue, fix=Fix(venue.latitude, venue.longitude, 10))
    comment = Comment.objects.create(venue=venue, author=author, body="Too cold inside")
    ActivityEntry.objects.all().delete()
    comment_reply_create(comment=comment, by=admin, body="We have fixed the heating.")
    comment_reply_update(comment=comment, by=admin, body="The heating is fixed.")
    comment_reply_delete(comment=comment, by=admin)
    assert [action for action, _ in entries()] == [
        "comment.replied",
        "comment.reply_changed",
        "comment.reply_deleted",
    ]


def test_a_councils_links_saved_and_removed_are_recorded(venue):
    admin = council_admin_of(venue.council)
    link = council_link_save(
        link=CouncilLink(council=venue.council, label="Libraries", url="https://leeds.gov.uk/"),
        by=admin,
    )
    council_link_delete(link=link, by=admin)
    assert entries() == [
        ("council_link.saved", "Link 'Libraries' (https://leeds.gov.uk/) saved."),
        ("council_link.deleted", "Link 'Libraries' (https://leeds.gov.uk/) removed."),
    ]
