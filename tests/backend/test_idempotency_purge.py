from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from backend.models import IdempotencyRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_old_idempotency_records_are_purged_and_recent_ones_kept(settings):
    settings.IDEMPOTENCY_KEY_TTL_HOURS = 24
    user = UserFactory()
    old = IdempotencyRecord.objects.create(user=user, key="old", fingerprint="f", status_code=201)
    recent = IdempotencyRecord.objects.create(
        user=user, key="new", fingerprint="f", status_code=201
    )
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    call_command("purge_idempotency_keys", verbosity=0)
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [recent.pk]
