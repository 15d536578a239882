"""Adding and removing a family's children."""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import ages, error_codes
from accounts.member_codes import member_code_of
from accounts.models import User
from accounts.services import user_erase
from backend.errors import INVALID, ApplicationError

CHILDREN_PER_PARENT = 12  # a large family; beyond it a mistake or abuse is likelier


def child_placeholder_email() -> str:
    """A unique address nobody receives (``.invalid`` is reserved, RFC 2606): a child's account
    is never emailed and never signs in."""
    return f"child-{uuid.uuid4()}@children.invalid"


def child_add(*, parent: User, first_name: str, birth_year: int) -> User:
    """Add a child to ``parent``'s family: an account of the child's own that never signs in,
    with its member code. Only someone certainly 18 or over may (``not_an_adult``)."""
    if parent.is_child or not ages.is_certainly_adult(parent.birth_year):
        raise ApplicationError(
            error_codes.NOT_AN_ADULT,
            _("Only a parent or carer aged 18 or over can add children."),
        )
    first_name = first_name.strip()
    if not first_name:
        message = _("Enter the child's first name.")
        raise ApplicationError(INVALID, message, fields={"first_name": [message]})
    earliest, latest = ages.this_year() - ages.ADULT_AGE, ages.this_year()
    if not earliest <= birth_year <= latest:
        message = _("A child is under 18: enter a year from %(earliest)s to %(latest)s.") % {
            "earliest": earliest,
            "latest": latest,
        }
        raise ApplicationError(INVALID, message, fields={"birth_year": [message]})
    with transaction.atomic():
        parent = User.objects.select_for_update().get(pk=parent.pk)
        if parent.children.filter(erased_at__isnull=True).count() >= CHILDREN_PER_PARENT:
            message = _("A family can have up to %(count)s children here.") % {
                "count": CHILDREN_PER_PARENT
            }
            raise ApplicationError(INVALID, message)
        child = User(
            email=child_placeholder_email(),
            display_name=first_name[:60],
            birth_year=birth_year,
            guardian=parent,
        )
        child.set_unusable_password()
        child.save()
        member_code_of(user=child)
    return child


def child_remove(*, child: User) -> None:
    """Erase the child's data as account erasure does (``accounts.services.user_erase``): their
    check-ins' places, comments and card go; the ledger's totals stay, pseudonymised."""
    user_erase(user=child)
