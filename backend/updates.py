"""One way to apply a partial update to a model instance (HackSoft's ``model_update``).

Services that edit an entity (venue, offer, catalog item) call it instead of setting attributes
by hand, so an unknown field is refused the same way everywhere: a 400 ``invalid`` naming the
field, never a ``ValueError`` that would become a 500.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext

from backend.errors import INVALID, ApplicationError

ModelT = TypeVar("ModelT", bound=models.Model)


def refuse_unknown_fields(*, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Raise a 400 ``invalid`` with one message per field of ``data`` not in ``allowed``."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApplicationError(
            INVALID,
            gettext("Some fields cannot be changed."),
            fields={field: ["This field cannot be changed."] for field in unknown},
        )


def model_update(
    *, instance: ModelT, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[ModelT, set[str]]:
    """Set ``data`` on ``instance`` (only ``fields`` may appear), validate and save the fields
    whose value changed. Returns the instance and the names of the changed fields.

    The caller owns the transaction and any row lock: pass the locked instance.
    """
    refuse_unknown_fields(data=data, allowed=fields)
    changed = {name for name, value in data.items() if getattr(instance, name) != value}
    for name in changed:
        setattr(instance, name, data[name])
    if changed:
        instance.full_clean(validate_unique=False, validate_constraints=False)
        update_fields = set(changed)
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.add("updated_at")
        instance.save(update_fields=sorted(update_fields))
    return instance, changed
