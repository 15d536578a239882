"""Hearing it in time: a comment rated 1 or 2, or hidden by residents' reports, is emailed to the
venue's managers within minutes, once per comment; each may choose the weekly digest instead."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.preferences import email_preferences_update
from checkins.comments.alerts import comment_alert_send, comment_alerts_sweep
from checkins.comments.services import comment_create, comment_report
from checkins.models import CheckIn, CommentAlert
from checkins.tasks import comment_emails_sweep
from tests.concurrency import run_in_parallel
from tests.conftest import postgres_only
from tests.factories import UserFactory, VenueFactory, council_admin_of, venue_manager_of

pytestmark = pytest.mark.django_db


def visitor(venue):
    resident = UserFactory(display_name="Rosa")
    CheckIn.objects.create(
        resident=resident, venue=venue, method="gps", evidence="location", distance_m=5
    )
    return resident


def rated(venue, rating, body="The café was closed and nobody knew why."):
    return comment_create(author=visitor(venue), venue=venue, body=body, rating=rating)


def to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


@pytest.fixture
def venue():
    return VenueFactory(name="Barking Library")


@pytest.fixture
def managers(venue):
    council_admin_of(venue.council)  # the council's admins hear through the digest
    return [venue_manager_of(venue), venue_manager_of(venue)]


def test_a_one_star_comment_is_emailed_to_each_manager_once(venue, managers, committing):
    with committing():
        comment = rated(venue, 1)
    assert len(mail.outbox) == 2
    for manager in managers:
        [message] = to(manager)
        assert message.subject == "Barking Library: a comment rated 1 of 5"
        assert "The café was closed and nobody knew why." in message.body
        assert f"/admin/checkins/comment/{comment.id}/reply/" in message.body
        assert f"/v/{venue.id}/" in message.body and "/digest/" in message.body
        assert "Rosa" in message.body
    alert = CommentAlert.objects.get()
    assert (alert.reason, alert.sent_at is not None) == ("low_rating", True)
    assert set(alert.sent_to.all()) == set(managers)
    # The job again, the sweep, the periodic task: nothing more is sent.
    assert comment_alert_send(alert_id=alert.pk) is False
    CommentAlert.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    assert comment_alerts_sweep() == 0
    assert comment_emails_sweep.delay().get() == {"alerts_sent": 0, "reply_emails_sent": 0}
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(("rating", "alerted"), [(1, True), (2, True), (3, False), (None, False)])
def test_only_ratings_of_two_or_less_alert(venue, managers, committing, rating, alerted):
    with committing():
        rated(venue, rating)
    assert CommentAlert.objects.exists() is alerted
    assert bool(mail.outbox) is alerted


def test_the_threshold_is_a_setting_and_zero_turns_alerts_off(venue, managers, settings):
    settings.COMMENT_ALERT_RATING_AT_MOST = 0
    rated(venue, 1)
    assert not CommentAlert.objects.exists()


def test_the_report_that_hides_a_comment_alerts_the_managers_once(
    venue, managers, settings, committing
):
    settings.COMMENT_REPORTS_TO_HIDE = 2
    comment = rated(venue, 4, body="Ask for Dave, he is useless.")
    for _ in range(3):  # the third report finds it hidden already
        with committing():
            comment_report(comment=comment, reporter=visitor(venue), reason="Names staff.")
    [message] = to(managers[0])
    assert message.subject == "Barking Library: a comment was hidden after reports"
    assert "hidden after 2 residents reported it" in message.body
    assert f"/admin/checkins/comment/{comment.id}/change/" in message.body
    assert CommentAlert.objects.get().reason == "reported"
    assert len(mail.outbox) == 2  # one each, once


def test_a_low_rated_comment_then_hidden_by_reports_is_one_alert(venue, managers, settings):
    settings.COMMENT_REPORTS_TO_HIDE = 1
    comment = rated(venue, 1)
    comment_report(comment=comment, reporter=visitor(venue), reason="Rude.")
    assert list(CommentAlert.objects.values_list("reason", flat=True)) == ["low_rating"]


def test_a_venue_without_a_manager_alerts_the_councils_admins(venue, committing):
    admin = council_admin_of(venue.council)
    venue_manager_of(VenueFactory(council=venue.council))  # another venue's manager
    with committing():
        rated(venue, 2)
    assert [message.to for message in mail.outbox] == [[admin.email]]


def test_a_manager_who_chose_the_digest_is_not_emailed(venue, managers, committing):
    email_preferences_update(user=managers[0], comment_alerts="in_digest")
    with committing():
        rated(venue, 1)
    assert to(managers[0]) == [] and len(to(managers[1])) == 1
    assert list(CommentAlert.objects.get().sent_to.all()) == [managers[1]]


def test_an_alert_the_mail_server_refused_goes_out_with_the_next_sweep(
    venue, managers, monkeypatch, committing
):
    def refuse(self, messages):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with committing():
        rated(venue, 1)  # the comment is published all the same
    alert = CommentAlert.objects.get()
    assert (alert.claimed_at, alert.sent_at) == (None, None)
    monkeypatch.undo()
    assert comment_alerts_sweep() == 0  # within its first minute: the job's, not the sweep's
    CommentAlert.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert comment_alerts_sweep() == 1
    assert len(mail.outbox) == 2


def test_an_alert_whose_job_never_ran_is_sent_by_the_sweep(venue, managers):
    rated(venue, 1)  # no commit in this test's transaction: its job was never queued
    CommentAlert.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert comment_emails_sweep.delay().get()["alerts_sent"] == 1
    assert len(mail.outbox) == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_job_and_overlapping_sweeps_send_an_alert_once():
    """The queued job and two sweeps reach one alert at the same instant: the conditional
    update that claims it lets exactly one of them send."""
    venue = VenueFactory()
    manager = venue_manager_of(venue)
    rated(venue, 1)  # committed: its job ran already; make it look unsent and overdue
    mail.outbox.clear()
    CommentAlert.objects.update(
        claimed_at=None, sent_at=None, created_at=timezone.now() - timedelta(minutes=2)
    )
    alert = CommentAlert.objects.get()
    work = [
        lambda: comment_alert_send(alert_id=alert.pk),
        comment_alerts_sweep,
        comment_alerts_sweep,
    ]
    outcomes = run_in_parallel(3, lambda index: work[index]())
    assert sum(1 for outcome in outcomes if outcome in (True, 1)) == 1, outcomes
    assert [message.to for message in mail.outbox] == [[manager.email]]


def test_a_welsh_councils_managers_get_the_alert_in_welsh(managers, committing):
    from tests.integration.welsh_pages import data_strings, english_on_welsh_page
    from venues.models import CouncilLanguage

    english_venue = VenueFactory(name="Dagenham Library")
    venue_manager_of(english_venue)
    welsh_venue = VenueFactory(
        name="Bangor Library",
        name_cy="Llyfrgell Bangor",
        council__language=CouncilLanguage.BILINGUAL,
    )
    welsh_manager = venue_manager_of(welsh_venue)
    with committing():
        rated(english_venue, 1)
        rated(welsh_venue, 1)
    english = next(m for m in mail.outbox if "Dagenham" in m.subject)
    [welsh] = to(welsh_manager)
    assert welsh.subject == "Llyfrgell Bangor: sylw gyda sgôr o 1 allan o 5"
    assert "Sgôr gan ymwelydd: 1 allan o 5 (Llyfrgell Bangor)" in welsh.body
    data = data_strings()
    for english_part, welsh_part in (
        (english.body.replace("\n", "<br>"), welsh.body.replace("\n", "<br>")),
        (english.alternatives[0][0], welsh.alternatives[0][0]),
    ):
        assert english_on_welsh_page(english_part, welsh_part, data) == []
