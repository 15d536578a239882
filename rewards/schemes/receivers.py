"""A new council starts in a scheme of its own.

A signal rather than a call: councils are made by the venues app (its admin, the demo loader,
factories), which must not import rewards (the layers of `.importlinter`). The hot path never
depends on it: a council without a scheme gets one on its first reward
(`council_scheme_ensure`).
"""

from django.db.models.signals import post_save

from rewards.schemes.services import council_scheme_ensure
from venues.models import Council


def _council_saved(sender, instance: Council, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        council_scheme_ensure(council=instance)


def connect() -> None:
    post_save.connect(_council_saved, sender=Council, dispatch_uid="rewards.council_scheme")
