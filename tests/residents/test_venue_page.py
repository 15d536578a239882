"""A venue's public page, ``/v/<id>/``, through Django's test client: what anyone reads there
(hours, offers in words, rating, comments with replies, where else to find it), what a shared
link carries (Open Graph, the card image, schema.org Place), and what a visitor may do."""

import io
import json
import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from checkins.comments.replies import comment_reply_create
from checkins.comments.services import comment_create, comment_hide
from checkins.models import CheckIn, Comment, CommentReport
from rewards.offers.services import offer_create
from tests.factories import UserFactory, VenueFactory, venue_manager_of
from tests.residents.helpers import signed_in
from venues.models import CouncilLanguage, CouncilLink, Venue
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db

HOURS = {
    "monday": [{"opens": "09:00", "closes": "13:00"}, {"opens": "14:00", "closes": "17:30"}],
    "saturday": [{"opens": "10:00", "closes": "16:00"}],
}


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def json_ld(response) -> dict:
    [block] = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(block)


def visited(resident, venue, *, ago=timedelta(0)):
    checkin = CheckIn.objects.create(
        resident=resident, venue=venue, method="gps", evidence="location", distance_m=4
    )
    CheckIn.objects.filter(pk=checkin.pk).update(created_at=timezone.now() - ago)
    return resident


def written(venue, body, rating=None, **author_fields) -> Comment:
    author = visited(UserFactory(**author_fields), venue)
    return comment_create(author=author, venue=venue, body=body, rating=rating)


def url(venue) -> str:
    return f"/v/{venue.id}/"


@pytest.fixture
def venue():
    return VenueFactory(
        name="Barking Learning Centre",
        category="library",
        address="2 Town Square, Barking",
        postcode="IG11 7NB",
        council__name="Barking and Dagenham",
        website="https://www.lbbd.gov.uk/barking-library",
    )


def test_anyone_reads_the_venue_its_hours_and_unknown_hours_as_unknown(client, venue):
    page = text(client.get(url(venue)))
    assert "Barking Learning Centre" in page and "2 Town Square, Barking IG11 7NB" in page
    assert "Opening hours Not known: the council has not told us this venue's opening" in page
    assert "Closed" not in page
    Venue.objects.filter(pk=venue.pk).update(opening_hours=HOURS)
    page = text(client.get(url(venue)))
    assert "Monday 09:00 to 13:00, 14:00 to 17:30" in page
    assert "Tuesday Closed" in page and "Saturday 10:00 to 16:00" in page
    assert "Not known" not in page


def test_the_offers_are_in_words_and_a_resident_sees_their_progress(client, venue):
    offer_create(council=None, venue=venue, created_by=None, title="Loyalty card",
                 rule="nth_checkin", every_n=5, points=50)  # fmt: skip
    anonymous = text(client.get(url(venue)))
    assert "Loyalty card Every 5th visit: 50 points." in anonymous
    assert "Sign in to see how close you are to each reward." in anonymous
    resident = visited(visited(UserFactory(), venue, ago=timedelta(days=3)), venue)
    mine = text(signed_in(resident).get(url(venue)))
    assert "Every 5th visit: 50 points. Your progress: 3 more visits for 50 points." in mine


def test_the_rating_and_visible_comments_show_with_their_replies(client, venue):
    written(venue, "Quiet and warm.", 5, display_name="Rosa")
    answered = written(venue, "The lift was broken.", 2, display_name="Sam")
    hidden = written(venue, "Rude words here.", 1)
    comment_hide(comment=hidden, by=venue_manager_of(venue), reason="It is offensive or abusive.")
    written(VenueFactory(), "Elsewhere.", 1)
    comment_reply_create(comment=answered, by=venue_manager_of(venue), body="Fixed on Monday.")
    page = text(client.get(url(venue)))
    assert "Rated 3.5 out of 5 by 2 visitors." in page  # the hidden 1 does not count
    assert "Sam" in page and "The lift was broken." in page
    assert "Reply from Barking Learning Centre" in page and "Fixed on Monday." in page
    assert "Quiet and warm." in page
    assert "Rude words here." not in page and "Elsewhere." not in page


def test_a_hidden_comment_and_its_reason_show_to_its_author_only(venue):
    author = visited(UserFactory(display_name="Rosa"), venue)
    comment = comment_create(author=author, venue=venue, body="Ask for Dave.")
    comment_hide(comment=comment, by=venue_manager_of(venue), reason="Names a member of staff.")
    mine = text(signed_in(author).get(url(venue)))
    assert "Your hidden comments" in mine
    assert "Ask for Dave. Why: Names a member of staff." in mine
    for reader in (Client(), signed_in(visited(UserFactory(), venue))):
        theirs = text(reader.get(url(venue)))
        assert "Ask for Dave." not in theirs and "Names a member of staff." not in theirs


def test_every_place_to_find_it_is_listed(client, venue):
    Venue.objects.filter(pk=venue.pk).update(
        foursquare_place_id="4b0588a0f964a5203ad422e3", foursquare_status="linked"
    )
    council = venue.council
    facebook, news = "https://www.facebook.com/lbbdlibraries", "https://www.lbbd.gov.uk/libraries"
    CouncilLink.objects.create(council=council, label="Libraries on Facebook", url=facebook,
                               position=2)  # fmt: skip
    CouncilLink.objects.create(council=council, label="Library news", url=news, position=1)
    html = client.get(url(venue)).content.decode()
    links = re.findall(r'<ul class="links">(.*?)</ul>', html, re.S)[0]
    hrefs = re.findall(r'href="([^"]+)"', links)
    assert hrefs[:5] == [
        "https://www.lbbd.gov.uk/barking-library",
        "https://foursquare.com/v/4b0588a0f964a5203ad422e3",
        "https://www.example.gov.uk",
        "https://www.lbbd.gov.uk/libraries",
        "https://www.facebook.com/lbbdlibraries",
    ]
    assert "Library news" in links and "Libraries on Facebook" in links


def test_a_shared_link_shows_a_card(client, venue, settings):
    settings.PUBLIC_BASE_URL = "https://checkins.example.gov.uk"
    response = client.get(url(venue))
    html = response.content.decode()
    page_url = f"https://checkins.example.gov.uk/v/{venue.id}/"

    def meta(name):
        found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
        return found and found[1]

    assert meta("og:title") == "Barking Learning Centre"
    assert meta("og:url") == page_url
    assert meta("og:image") == f"{page_url}card.png"
    assert meta("og:type") == "website" and meta("twitter:card") == "summary_large_image"
    assert "Library run by Barking and Dagenham, at 2 Town Square" in meta("og:description")
    assert meta("robots") == "index, follow"
    assert f'<link rel="canonical" href="{page_url}">' in html
    card = client.get(f"/v/{venue.id}/card.png")
    assert card["Content-Type"] == "image/png" and "max-age=86400" in card["Cache-Control"]
    image = Image.open(io.BytesIO(card.content))
    assert image.size == (1200, 630)


def test_schema_org_place_data_says_what_the_page_says(client, venue, settings):
    settings.PUBLIC_BASE_URL = "https://checkins.example.gov.uk"
    Venue.objects.filter(pk=venue.pk).update(opening_hours=HOURS)
    written(venue, "Good.", 4)
    written(venue, "Fine.", 3)
    data = json_ld(client.get(url(venue)))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Library"
    assert data["name"] == "Barking Learning Centre"
    assert data["url"] == f"https://checkins.example.gov.uk/v/{venue.id}/"
    assert data["address"] == {
        "@type": "PostalAddress", "streetAddress": "2 Town Square, Barking",
        "postalCode": "IG11 7NB", "addressCountry": "GB",
    }  # fmt: skip
    assert data["geo"]["latitude"] == venue.latitude
    assert data["openingHoursSpecification"][0] == {
        "@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00", "closes": "13:00",
    }  # fmt: skip
    assert len(data["openingHoursSpecification"]) == 3
    assert data["aggregateRating"] == {
        "@type": "AggregateRating", "ratingValue": 3.5, "ratingCount": 2,
        "bestRating": 5, "worstRating": 1,
    }  # fmt: skip
    assert data["sameAs"] == ["https://www.lbbd.gov.uk/barking-library"]


def test_no_venue_text_can_break_out_of_the_data_block(client, venue):
    Venue.objects.filter(pk=venue.pk).update(name="</script><script>alert(1)</script> & Co")
    html = client.get(url(venue)).content.decode()
    assert "<script>alert(1)" not in html
    assert json_ld(client.get(url(venue)))["name"] == "</script><script>alert(1)</script> & Co"


def test_welsh_readers_get_the_welsh_name_and_words(client, venue):
    Venue.objects.filter(pk=venue.pk).update(name_cy="Canolfan Ddysgu Barking")
    venue.council.language = CouncilLanguage.WELSH
    venue.council.save()
    response = client.get(url(venue))
    page = text(response)
    assert response["Content-Language"] == "cy"
    assert "Canolfan Ddysgu Barking" in page and "Oriau agor" in page
    assert json_ld(response)["alternateName"] == "Barking Learning Centre"


def test_an_unknown_or_closed_venue_is_not_found(client, venue):
    assert client.get("/v/00000000-0000-0000-0000-000000000000/").status_code == 404
    Venue.objects.filter(pk=venue.pk).update(is_active=False)
    assert client.get(url(venue)).status_code == 404


def test_the_poster_page_links_to_the_venues_page(client, venue):
    poster = poster_create(venue=venue, label="Door", created_by=None)
    html = client.get(f"/q/{poster.token}").content.decode()
    assert f'href="/v/{venue.id}/"' in html


# --- What a visitor may do -----------------------------------------------------------------------


def test_a_recent_visitor_comments_from_the_page(venue):
    resident = visited(UserFactory(display_name="Rosa"), venue)
    browser = signed_in(resident)
    assert "Rate your visit" in text(browser.get(url(venue)))
    done = browser.post(f"/v/{venue.id}/comment", {"rating": "4", "body": "Great staff."})
    comment = Comment.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/v/{venue.id}/#comment-{comment.pk}"
    assert (comment.author, comment.rating, comment.body) == (resident, 4, "Great staff.")
    refused = browser.post(f"/v/{venue.id}/comment", {"rating": "9", "body": ""})
    assert refused.status_code == 400 and "There is a problem" in text(refused)


def test_someone_who_never_visited_has_no_forms_and_cannot_post(venue):
    comment = written(venue, "Nice.")
    browser = signed_in(UserFactory())
    page = text(browser.get(url(venue)))
    assert "Rate your visit" not in page and "Report this comment" not in page
    assert "Visitors who checked in here recently can rate it and comment." in page
    refused = browser.post(f"/v/{venue.id}/comment", {"body": "Hi"})
    assert refused.status_code == 400 and "Check in at Barking Learning Centre first" in text(
        refused
    )
    reported = browser.post(f"/v/{venue.id}/comments/{comment.pk}/report", {"reason": "Spam"})
    assert reported.status_code == 400
    assert "can report its comments" in text(reported)
    assert Comment.objects.count() == 1 and not CommentReport.objects.exists()


def test_a_recent_visitor_reports_a_comment_once_from_the_page(venue):
    comment = written(venue, "Buy cheap watches at example.com")
    browser = signed_in(visited(UserFactory(), venue))
    assert "Report this comment" in text(browser.get(url(venue)))
    empty = browser.post(f"/v/{venue.id}/comments/{comment.pk}/report", {"reason": ""})
    assert empty.status_code == 400 and "Say what is wrong with the comment." in text(empty)
    done = browser.post(f"/v/{venue.id}/comments/{comment.pk}/report", {"reason": "Spam."})
    assert done.status_code == 302
    assert CommentReport.objects.get().reason == "Spam."
    assert "You reported this comment." in text(browser.get(url(venue)))


def test_signed_out_posts_go_to_sign_in(client, venue):
    answer = client.post(f"/v/{venue.id}/comment", {"body": "Hi"})
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")


def test_the_page_costs_the_same_queries_however_many_comments(
    venue, django_assert_max_num_queries
):
    resident = visited(UserFactory(), venue)
    browser = signed_in(resident)
    for n in range(3):
        comment_reply_create(
            comment=written(venue, f"#{n}", 3), by=venue_manager_of(venue), body="Thanks"
        )
    with django_assert_max_num_queries(40) as few:
        browser.get(url(venue))
    for n in range(8):
        comment_reply_create(
            comment=written(venue, f"#{n}", 4), by=venue_manager_of(venue), body="Thanks"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        browser.get(url(venue))
