"""Member codes: a card number for each holder of check-ins, for staff at the desk.

A resident without a smartphone (or without the app on them) gives staff their card, or their
email; staff check them in at the desk (``checkins.services.checkin_record_assisted``). Codes
are 8 characters of the poster codes' alphabet (32 symbols: 2^40 codes), drawn at random, so
nobody can guess a neighbour's by counting; typed in any case, with or without the dash.
"""

import secrets

from django.db import IntegrityError, transaction

from accounts.models import (
    MEMBER_CODE_ALPHABET,
    MEMBER_CODE_LENGTH,
    MemberCode,
    User,
    normalize_email,
)

_ATTEMPTS = 5  # 2^40 codes: a second collision in a row would be a broken random source


def member_code_new() -> str:
    return "".join(secrets.choice(MEMBER_CODE_ALPHABET) for _ in range(MEMBER_CODE_LENGTH))


def member_code_display(code: str) -> str:
    """``K7QMP3XH`` -> ``K7QM-P3XH``: how it is printed and shown."""
    return f"{code[:4]}-{code[4:]}"


def member_code_normalise(typed: str) -> str:
    return "".join(char for char in typed.upper() if char not in " -\t")


def member_code_of(*, user: User) -> str:
    """The user's member code, shown (``K7QM-P3XH``), made on first use."""
    existing = MemberCode.objects.filter(user=user).values_list("code", flat=True).first()
    if existing is not None:
        return member_code_display(existing)
    for _attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                made = MemberCode.objects.create(user=user, code=member_code_new())
        except IntegrityError:
            # The code was taken, or another request made the user's at this instant.
            existing = MemberCode.objects.filter(user=user).values_list("code", flat=True).first()
            if existing is not None:
                return member_code_display(existing)
            continue
        return member_code_display(made.code)
    raise RuntimeError("Could not draw an unused member code.")


def member_find(*, typed: str) -> User | None:
    """The active account a member code or an email (as staff typed it) names, or None."""
    typed = (typed or "").strip()
    if "@" in typed:
        return User.objects.filter(email=normalize_email(typed), is_active=True).first()
    code = member_code_normalise(typed)
    if len(code) != MEMBER_CODE_LENGTH:
        return None
    return User.objects.filter(member_code__code=code, is_active=True).first()


def member_code_replace(*, user: User) -> str:
    """A new member code for ``user`` (a lost card): the old one names nobody from now on."""
    with transaction.atomic():
        MemberCode.objects.filter(user=user).delete()
        return member_code_of(user=user)
