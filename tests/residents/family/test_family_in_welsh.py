"""The family pages and the poster page's family choice in Welsh (issue 25)."""

import pytest
from django.utils import timezone

from accounts.children.services import child_add
from tests.factories import UserFactory, VenueFactory
from tests.residents.helpers import points_and_voucher_offers
from venues.posters.services import poster_create

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def test_a_welsh_reader_sees_the_family_pages_in_welsh(client):
    parent = UserFactory(display_name="Pat", birth_year=THIS_YEAR - 40)
    sam = child_add(parent=parent, first_name="Sam", birth_year=THIS_YEAR - 8)
    venue = VenueFactory()
    points_and_voucher_offers(venue)
    poster = poster_create(venue=venue, label="Door", created_by=None)
    client.force_login(parent)
    welsh = {"HTTP_ACCEPT_LANGUAGE": "cy"}
    assert "Ychwanegu plentyn" in client.get("/family/", **welsh).content.decode()
    assert "Waled Sam" in client.get(f"/family/{sam.pk}/", **welsh).content.decode()
    assert "Cerdyn aelod Sam" in client.get(f"/family/{sam.pk}/card/", **welsh).content.decode()
    poster_page = client.get(f"/q/{poster.token}", **welsh).content.decode()
    assert "Pwy sy&#x27;n gwirio i mewn?" in poster_page or "Pwy sy'n gwirio i mewn?" in poster_page
    answer = client.post(f"/q/{poster.token}", {"for_child": str(sam.pk)}, **welsh)
    result = client.get(answer["Location"], **welsh).content.decode()
    assert "Mae Sam wedi gwirio i mewn" in result
