"""The Foursquare client against the fake server: wire format, retries and typed errors."""

import time

import pytest
from pytest_socket import SocketConnectBlockedError

from tests.venues.foursquare.fake_foursquare import API_VERSION, SERVICE_KEY, library_place
from venues.foursquare.client import (
    BackoffRetry,
    FoursquareAuthError,
    FoursquareBadRequest,
    FoursquareClient,
    FoursquareMalformedResponse,
    FoursquareNotConfigured,
    FoursquareNotFound,
    FoursquareRateLimited,
    FoursquareUnavailable,
)

PLACE_ID = "4b0588a0f964a5203ad422e3"

pytestmark = pytest.mark.foursquare_serves_match


@pytest.fixture
def barking(foursquare):
    return foursquare.add(
        library_place(
            PLACE_ID,
            "Barking Library",
            latitude=51.53640,
            longitude=0.07998,
            address="2 Town Square",
            locality="Barking",
            postcode="IG11 7NB",
            website="https://www.lbbd.gov.uk/barking-library",
        )
    )


@pytest.fixture
def client(foursquare):
    with FoursquareClient.from_settings() as client:
        yield client


def test_details_are_read_with_the_service_key_and_the_pinned_version(foursquare, barking, client):
    place = client.place(PLACE_ID)

    assert place.place_id == PLACE_ID
    assert place.name == "Barking Library"
    assert (place.latitude, place.longitude) == (51.53640, 0.07998)
    assert place.categories == ["Library"]
    assert (place.address, place.locality, place.postcode) == (
        "2 Town Square",
        "Barking",
        "IG11 7NB",
    )
    assert (place.rating, place.popularity, place.tips_count) == (8.1, 0.82, 7)
    assert place.hours["regular"][0] == {"day": 1, "open": "0900", "close": "1900"}
    [call] = foursquare.requests
    assert call["path"] == f"/places/{PLACE_ID}"
    assert call["headers"]["Authorization"] == f"Bearer {SERVICE_KEY}"
    assert call["headers"]["X-Places-Api-Version"] == API_VERSION
    assert call["headers"]["Accept"] == "application/json"
    assert "rating" in call["params"]["fields"].split(",")


def test_match_sends_the_record_and_returns_the_place_with_its_score(foursquare, barking, client):
    foursquare.match_scores[PLACE_ID] = 0.91

    found = client.match(
        name="Barking",
        address="2 Town Square",
        city="Barking",
        country_code="GB",
        postcode="IG11 7NB",
        latitude=51.536387,
        longitude=0.079994,
    )

    assert found.place.place_id == PLACE_ID
    assert found.score == 0.91
    [call] = foursquare.calls("GET", "/places/match")
    assert call["params"] | {"fields": ""} == {
        "name": "Barking",
        "address": "2 Town Square",
        "city": "Barking",
        "cc": "GB",
        "postal_code": "IG11 7NB",
        "ll": "51.536387,0.079994",
        "fields": "",
    }


def test_match_without_a_candidate_is_none(foursquare, client):
    assert client.match(name="Nowhere", address="1 Road", city="Town", country_code="GB") is None


def test_search_returns_places_near_the_point(foursquare, barking, client):
    results = client.search(query="Barking", latitude=51.5364, longitude=0.0800, radius_m=100)

    assert [place.place_id for place in results] == [PLACE_ID]
    assert results[0].distance_m is not None
    [call] = foursquare.calls("GET", "/places/search")
    assert call["params"]["radius"] == "100"
    assert call["params"]["ll"] == "51.536400,0.080000"


def test_a_wrong_key_is_an_auth_error_and_is_not_retried(foursquare, barking, settings):
    settings.FOURSQUARE_API_KEY = "revoked-key"
    with FoursquareClient.from_settings() as client, pytest.raises(FoursquareAuthError) as error:
        client.place(PLACE_ID)

    assert "401" in str(error.value)
    assert "Invalid request token" in str(error.value)
    assert len(foursquare.requests) == 1


def test_no_key_is_not_configured_and_sends_nothing(foursquare, settings):
    settings.FOURSQUARE_API_KEY = ""
    with pytest.raises(FoursquareNotConfigured):
        FoursquareClient.from_settings()
    assert foursquare.requests == []


def test_429_is_retried_after_the_time_retry_after_asks(foursquare, barking, client):
    foursquare.fail(r"/places/.*", 429, headers={"Retry-After": "1"})

    started = time.monotonic()
    place = client.place(PLACE_ID)

    assert place.place_id == PLACE_ID
    assert len(foursquare.requests) == 2
    # Backoff in the test settings is ~10 ms: only Retry-After explains a second's wait.
    assert time.monotonic() - started >= 0.95


def test_429_without_retry_after_backs_off_and_gives_up_as_rate_limited(foursquare, client):
    foursquare.fail(r"/places/.*", 429, times=3)

    with pytest.raises(FoursquareRateLimited):
        client.place(PLACE_ID)
    assert len(foursquare.requests) == 3  # the first try and FOURSQUARE_MAX_RETRIES (2)


def test_500_three_times_is_unavailable(foursquare, barking, client):
    foursquare.fail(r"/places/.*", 500, times=3)

    with pytest.raises(FoursquareUnavailable) as error:
        client.place(PLACE_ID)
    assert "500" in str(error.value)
    assert len(foursquare.requests) == 3


def test_500_twice_then_success_is_retried_through(foursquare, barking, client):
    foursquare.fail(r"/places/.*", 503, times=2)

    assert client.place(PLACE_ID).name == "Barking Library"
    assert len(foursquare.requests) == 3


def test_a_read_timeout_is_retried_then_unavailable(foursquare, barking, settings):
    settings.FOURSQUARE_READ_TIMEOUT_SECONDS = 0.2
    foursquare.fail(r"/places/.*", 200, times=3, delay_seconds=0.4)

    with FoursquareClient.from_settings() as client, pytest.raises(FoursquareUnavailable) as error:
        client.place(PLACE_ID)
    assert "did not answer in time" in str(error.value)
    # The one-thread fake is still sleeping on the abandoned tries: let it finish them here.
    deadline = time.monotonic() + 3
    while len(foursquare.requests) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.45)
    assert len(foursquare.requests) == 3


def test_a_closed_port_is_unavailable(settings):
    settings.FOURSQUARE_API_BASE = "http://127.0.0.1:9"
    with FoursquareClient.from_settings() as client, pytest.raises(FoursquareUnavailable):
        client.place(PLACE_ID)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Bad gateway</html>",
        b"[1, 2]",
        b'{"name": "no id"}',
        b'{"fsq_place_id": "x", "name": "A", "latitude": "north"}',
    ],
)
def test_a_malformed_answer_is_a_malformed_response(foursquare, client, body):
    foursquare.fail(r"/places/.*", 200, body=body)

    with pytest.raises(FoursquareMalformedResponse):
        client.place(PLACE_ID)
    assert len(foursquare.requests) == 1


def test_an_unknown_place_is_not_found_without_retry(foursquare, client):
    with pytest.raises(FoursquareNotFound):
        client.place("5a187743ccad6b307315e6fe")
    assert len(foursquare.requests) == 1


def test_a_400_is_a_bad_request_without_retry(foursquare, client):
    foursquare.fail(r"/places/search", 400, body=b'{"message": "Invalid ll."}')

    with pytest.raises(FoursquareBadRequest) as error:
        client.search(query="x", latitude=0, longitude=0, radius_m=10)
    assert "Invalid ll." in str(error.value)
    assert len(foursquare.requests) == 1


def test_a_place_id_that_is_not_one_never_reaches_a_path(foursquare, client):
    with pytest.raises(FoursquareBadRequest):
        client.place("../suggest/status")
    assert foursquare.requests == []


def test_proposing_an_edit_posts_the_values_and_returns_the_suggestion(foursquare, barking, client):
    [edit] = client.propose_edit(PLACE_ID, {"name": "Barking", "postcode": "IG11 7NB"})

    assert edit.id in foursquare.suggestions
    assert edit.status == "pending"
    [call] = foursquare.calls("POST", f"/places/{PLACE_ID}/suggest/edit")
    assert call["params"] == {"name": "Barking", "postcode": "IG11 7NB"}


def test_a_proposal_is_not_repeated_after_a_500(foursquare, barking, client):
    foursquare.fail(r"/places/.*/suggest/edit", 500, method="POST")

    with pytest.raises(FoursquareUnavailable):
        client.propose_edit(PLACE_ID, {"name": "Barking"})
    assert len(foursquare.calls("POST", r"/places/.*/suggest/edit")) == 1


def test_a_proposal_refused_with_429_is_sent_again(foursquare, barking, client):
    foursquare.fail(r"/places/.*/suggest/remove", 429, method="POST")

    [edit] = client.propose_removal(PLACE_ID, reason="CLOSED")

    assert foursquare.suggestions[edit.id]["params"]["reason"] == "CLOSED"
    assert len(foursquare.calls("POST", r"/places/.*/suggest/remove")) == 2


def test_suggestion_statuses_are_read_back(foursquare, barking, client):
    [edit] = client.propose_edit(PLACE_ID, {"website": "https://example.gov.uk"})
    foursquare.set_suggestion_status(edit.id, "accepted", resolved=True)

    [status] = client.suggestion_statuses([edit.id])

    assert (status.id, status.status) == (edit.id, "accepted")
    assert status.resolved_at is not None


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_the_client_cannot_reach_a_real_host_from_a_test(settings):
    # pytest-socket (pyproject addopts) lets tests connect to loopback only.
    settings.FOURSQUARE_API_BASE = "http://93.184.215.14"
    with (
        FoursquareClient.from_settings() as client,
        pytest.raises(SocketConnectBlockedError),
    ):
        client.place(PLACE_ID)


def test_a_429_without_retry_after_waits_before_the_first_retry(foursquare, barking, settings):
    # urllib3's own Retry retries the first failure at once; BackoffRetry waits.
    settings.FOURSQUARE_BACKOFF_FACTOR = 0.3
    settings.FOURSQUARE_BACKOFF_MAX_SECONDS = 5
    foursquare.fail(r"/places/.*", 429)

    started = time.monotonic()
    with FoursquareClient.from_settings() as client:
        client.place(PLACE_ID)

    assert time.monotonic() - started >= 0.3
    assert len(foursquare.requests) == 2


@pytest.mark.parametrize(
    "failures, lowest, highest", [(0, 0, 0), (1, 1, 1.5), (2, 2, 2.5), (3, 4, 4.5), (9, 10, 10)]
)
def test_backoff_doubles_with_jitter_up_to_the_cap(failures, lowest, highest):
    retry = BackoffRetry(total=10, backoff_factor=1, backoff_jitter=0.5, backoff_max=10)
    for _ in range(failures):
        retry = retry.increment(method="GET", url="/", error=ConnectionError())
    for _ in range(20):
        assert lowest <= retry.get_backoff_time() <= highest
