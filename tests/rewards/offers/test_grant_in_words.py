"""What a grant gave, in words, for the back office's check-in pages (English and Welsh)."""

from django.utils import timezone, translation

from rewards.models import Offer, RewardGrant, Voucher
from rewards.offers.voiding import grant_in_words


def points_grant(**fields) -> RewardGrant:
    offer = Offer(title="Ten points", title_cy="Deg pwynt", points=10)
    return RewardGrant(offer=offer, points=10, **fields)


def voucher_grant(**fields) -> RewardGrant:
    offer = Offer(title="A free coffee", voucher_title="Free coffee")
    voucher = Voucher(title="Free coffee", title_cy="Coffi am ddim")
    return RewardGrant(offer=offer, voucher=voucher, **fields)


def test_a_grant_in_english():
    with translation.override("en-gb"):
        assert grant_in_words(points_grant()) == "Ten points: 10 points"
        assert grant_in_words(voucher_grant()) == "A free coffee: voucher “Free coffee”"
        voided = points_grant(voided_at=timezone.now(), taken_back=2)
        assert grant_in_words(voided) == "Ten points: 10 points, 2 of 10 taken back"


def test_a_grant_in_welsh_names_the_welsh_titles():
    with translation.override("cy"):
        assert grant_in_words(points_grant()) == "Deg pwynt: 10 pwynt"
        assert grant_in_words(voucher_grant()) == "A free coffee: taleb “Coffi am ddim”"
        voided = voucher_grant(voided_at=timezone.now(), taken_back=1)
        assert grant_in_words(voided) == (
            "A free coffee: taleb “Coffi am ddim”, cymerwyd 1 o 1 yn ôl"
        )
