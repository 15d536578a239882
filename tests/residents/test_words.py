import pytest

from residents.words import distance_in_words, duration_in_words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (14340, "3 hours 59 minutes"),
        (14339, "3 hours 59 minutes"),
        (3600, "1 hour"),
        (7260, "2 hours 1 minute"),
        (61, "2 minutes"),
        (1, "1 minute"),
        (0, "1 minute"),
    ],
)
def test_durations_read_as_words_rounded_up_to_the_minute(seconds, words):
    assert duration_in_words(seconds) == words


@pytest.mark.parametrize(("metres", "words"), [(87.2, "87 metres"), (1234.5, "1.2 km")])
def test_distances_read_as_words(metres, words):
    assert distance_in_words(metres) == words
