"""The ledger's memos are written in English from a table of shapes and read back, in the
reader's language, by the same table."""

import pytest
from django.utils import translation

from rewards.ledger.memos import SHAPES, memo, memo_in_words

VALUES = {
    "title": "Free coffee: large",
    "points": 12,
    "date": "2026-01-31",
    "code": "K7QP-2M4X",
    "source": "Leeds Libraries",
    "into": "Yorkshire Libraries",
    "key": "grant:1:2",
}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_memo_reads_back_as_written_in_english_and_changes_in_welsh(shape):
    written = memo(shape, **VALUES)
    with translation.override("en-gb"):
        assert memo_in_words(written) == written
    with translation.override("cy"):
        welsh = memo_in_words(written)
    assert welsh != written
    for name in ("title", "code", "source", "into", "key"):
        if f"%({name})s" in SHAPES[shape]:
            assert str(VALUES[name]) in welsh  # the data is kept as it was


def test_the_memos_the_ledger_already_keeps_read_in_welsh():
    with translation.override("cy"):
        assert memo_in_words("Claimed: Swim pass") == "Hawliwyd: Swim pass"
        assert memo_in_words("10 points earned 2026-01-01 lapsed") == (
            "Pwyntiau wedi dod i ben: 10 (a enillwyd 2026-01-01)"
        )
        assert memo_in_words("Voucher: Claimed: odd title") == "Taleb: Claimed: odd title"


def test_a_memo_of_no_known_shape_reads_as_written():
    with translation.override("cy"):
        assert memo_in_words("Adjusted by the finance team") == "Adjusted by the finance team"
        assert memo_in_words("") == ""
