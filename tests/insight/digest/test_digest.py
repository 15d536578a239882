"""The weekly digest: what each role gets, once per person per week, and the opt-out."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from insight.digest.services import digests_send
from insight.digest.tokens import unsubscribe_token
from insight.models import DigestOptOut, DigestSent
from tests.factories import UserFactory, council_admin_of, venue_manager_of
from tests.insight.helpers import at, checkin

pytestmark = pytest.mark.django_db

MONDAY = date(2025, 11, 3)  # the digest of Mon 27 Oct .. Sun 2 Nov, against 20..26 Oct


@pytest.fixture
def people(history):
    checkin(UserFactory(), history["pool"], at(30, 9))  # one more in the digest's week
    return {
        "admin": council_admin_of(history["council"]),
        "manager": venue_manager_of(history["library"]),
        "pool_manager": venue_manager_of(history["pool"]),
        "resident": UserFactory(),  # no role: no digest
    }


def sent_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_each_role_gets_its_own_week(history, people):
    assert digests_send(today=MONDAY) == 3
    [admin] = sent_to(people["admin"])
    [manager] = sent_to(people["manager"])
    assert sent_to(people["resident"]) == []
    assert admin.subject == "Your week at council venues: 27 Oct to 2 Nov 2025"
    # The council's week 27 Oct..2 Nov: r1 at the pool (27th), r2 at the library (28th),
    # r4 at the pool (29th, 00:10), one more at the pool (30th); 20..26 Oct: r1 20th, 24th,
    # 26th 00:30, r2 25th, r3 26th.
    assert "Hackney Council\n- Check-ins: 4 (down from 5)\n" in admin.body
    assert "- Unique visitors: 4 (up from 3)\n" in admin.body
    assert "- Comments: 2 (up from 1)\n" in admin.body
    assert "- Average rating: 2.0 (down from 5.0)\n" in admin.body
    assert "Library" not in admin.body.split("Hackney Council")[0]
    # The library's manager: r2 on the 28th against r1 (20th, 24th, 26th) and r2 (25th).
    assert "Library\n- Check-ins: 1 (down from 4)\n" in manager.body
    assert "Hackney Council" not in manager.body and "Pool" not in manager.body
    assert "/insight/hackney/venues/" in manager.body
    html, mimetype = manager.alternatives[0]
    assert mimetype == "text/html" and '<th scope="row" align="left">Check-ins</th>' in html
    assert manager.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/digest/unsubscribe/" in manager.extra_headers["List-Unsubscribe"]


def test_a_council_admin_who_also_manages_a_venue_gets_one_email(history, people):
    admin = people["admin"]
    venue_manager_of(history["library"]).roles.update(user=admin)
    digests_send(today=MONDAY)
    [message] = sent_to(admin)
    assert "Hackney Council" in message.body and "\nLibrary\n" not in message.body


def test_run_twice_in_a_week_sends_once(history, people, clock):
    assert digests_send(today=MONDAY) == 3
    assert digests_send(today=date(2025, 11, 9)) == 0  # Sunday: still the same week
    call_command("send_digests")  # the clock's today is 28 Oct: the week before, new
    assert len(sent_to(people["manager"])) == 2
    assert DigestSent.objects.filter(user=people["manager"]).count() == 2
    assert digests_send(today=date(2025, 11, 10)) == 3  # the next week


def test_a_claimed_week_is_not_sent_again(history, people):
    DigestSent.objects.create(user=people["manager"], week_start=date(2025, 10, 27))
    digests_send(today=MONDAY)
    assert sent_to(people["manager"]) == [] and len(sent_to(people["admin"])) == 1


def test_a_failed_send_releases_the_claim(history, people, settings, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def refuse(self, fail_silently=False):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    assert digests_send(today=MONDAY) == 0
    assert not DigestSent.objects.exists()
    monkeypatch.undo()
    assert digests_send(today=MONDAY) == 3


def test_the_link_asks_then_its_button_opts_out_and_the_page_opts_back_in(history, people):
    manager = people["manager"]
    digests_send(today=MONDAY)
    link = sent_to(manager)[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix("http://127.0.0.1:8000")
    asked = Client().get(path)  # what a mail scanner's visit does: nothing
    assert asked.status_code == 200 and "Stop the weekly digest?" in asked.content.decode()
    assert not DigestOptOut.objects.filter(user=manager).exists()
    response = Client().post(path, {"action": "unsubscribe"})
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert DigestOptOut.objects.filter(user=manager).exists()
    assert digests_send(today=date(2025, 11, 10)) == 2
    assert len(sent_to(manager)) == 1
    response = Client().post(path, {"action": "subscribe"})
    assert "You are subscribed again" in response.content.decode()
    assert not DigestOptOut.objects.filter(user=manager).exists()


def test_a_mail_clients_one_click_post_opts_out(history, people):
    token = unsubscribe_token(people["admin"])
    response = Client(enforce_csrf_checks=True).post(
        f"/digest/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert DigestOptOut.objects.filter(user=people["admin"]).exists()


def test_a_forged_link_does_nothing(history, people):
    token = unsubscribe_token(people["admin"])
    response = Client().get(f"/digest/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 404 and not DigestOptOut.objects.exists()


def test_the_settings_page_switches_the_digest(history, people):
    client = Client()
    client.force_login(people["manager"])
    assert "You get the weekly digest" in client.get("/digest/").content.decode()
    client.post("/digest/", {"action": "unsubscribe"})
    assert DigestOptOut.objects.filter(user=people["manager"]).exists()
    assert "You do not get the weekly digest" in client.get("/digest/").content.decode()
    client.post("/digest/", {"action": "subscribe"})
    assert not DigestOptOut.objects.exists()
    assert Client().get("/digest/").status_code == 302


def test_the_beat_runs_the_digest_on_monday_mornings(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == "insight.tasks.send_weekly_digests"
    schedule = entry["schedule"]
    assert schedule.hour == {8} and schedule.minute == {0} and schedule.day_of_week == {1}
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_the_task_sends_the_digests(history, people):
    from insight.tasks import send_weekly_digests

    assert send_weekly_digests.delay().get() == 3  # the clock's week: 20..26 Oct


def test_a_welsh_councils_digest_is_in_welsh_to_the_last_word(history, people):
    from tests.integration.welsh_pages import data_strings, english_on_welsh_page
    from venues.models import CouncilLanguage

    assert digests_send(today=MONDAY) == 3
    [english] = sent_to(people["admin"])
    council = history["council"]
    council.language = CouncilLanguage.BILINGUAL
    council.name_cy = "Cyngor Hackney"
    council.save()
    DigestSent.objects.all().delete()
    mail.outbox.clear()
    assert digests_send(today=MONDAY) == 3
    [welsh] = sent_to(people["admin"])
    assert welsh.subject == "Eich wythnos yn lleoliadau'r cyngor: 27 Hyd i 2 Tach 2025"
    assert "Cyngor Hackney\n- Gwiriadau i mewn: 4 (i lawr o 5)\n" in welsh.body
    lines = [(m.body.replace("\n", "<br>"), m.alternatives[0][0]) for m in (english, welsh)]
    data = data_strings()
    assert english_on_welsh_page(lines[0][0], lines[1][0], data) == []
    assert english_on_welsh_page(lines[0][1], lines[1][1], data) == []
    assert '<html lang="cy">' in welsh.alternatives[0][0]
