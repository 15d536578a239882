"""Points schemes get their UUID (rewards 0011) and every reference to them is kept: each
existing scheme gets a UUID of its own, and members, wallets and merges point where they did."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("rewards", "0010_voucher_redemptions_undone")
AFTER = ("rewards", "0011_scheme_public_id")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _with_rewards_at(node):
    return [leaf for leaf in _latest() if leaf[0] != "rewards"] + [node]


@pytest.mark.django_db(transaction=True)
def test_each_existing_scheme_gets_its_own_uuid_and_keeps_its_references():
    try:
        apps = _migrate(_with_rewards_at(BEFORE))
        Scheme = apps.get_model("rewards", "Scheme")
        SchemeMember = apps.get_model("rewards", "SchemeMember")
        Council = apps.get_model("venues", "Council")
        grouped = Scheme.objects.create(name="Yorkshire Libraries")
        merged = Scheme.objects.create(name="Leeds", merged_into=grouped)
        alone = Scheme.objects.create(name="York")
        for slug, scheme in (("leeds", grouped), ("york", alone)):
            SchemeMember.objects.create(
                council=Council.objects.create(slug=slug, name=slug.title()), scheme=scheme
            )

        apps = _migrate(_with_rewards_at(AFTER))
        Scheme = apps.get_model("rewards", "Scheme")
        SchemeMember = apps.get_model("rewards", "SchemeMember")

        uuids = list(Scheme.objects.values_list("public_id", flat=True))
        assert len(uuids) == 3 and None not in uuids and len(set(uuids)) == 3
        assert Scheme.objects.get(pk=merged.pk).merged_into_id == grouped.pk
        assert dict(SchemeMember.objects.values_list("council__slug", "scheme_id")) == {
            "leeds": grouped.pk,
            "york": alone.pk,
        }
    finally:
        _migrate(_latest())
