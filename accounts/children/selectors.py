"""Reading a family's children."""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User


def children_of(*, parent: User) -> QuerySet[User]:
    """The parent's children (not erased ones), oldest first, with their member codes."""
    return (
        User.objects.filter(guardian=parent, erased_at__isnull=True)
        .select_related("member_code")
        .order_by("birth_year", "date_joined")
    )


def child_of(*, parent: User, child_id) -> User:
    """One of the parent's children; 404 for anyone else's (or nobody's)."""
    child = children_of(parent=parent).filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child


def child_may_act_for(*, parent, child_id) -> User | None:
    """The child ``parent`` may act for (check a child in), or None. Asks that the parent's
    account is open too: a check-in authenticated by the token alone has not read it yet."""
    if not getattr(parent, "is_authenticated", False):
        return None
    return children_of(parent=parent).filter(pk=child_id, guardian__is_active=True).first()
