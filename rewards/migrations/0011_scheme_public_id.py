"""Points schemes get a UUID for the API (``public_id``); every reference stays as it was.

The bigint key is kept: the ledger's account names (``wallet:<resident>:<scheme id>``) are
append-only history that names it, and every foreign key (members, wallets, merged_into) keeps
pointing at the same rows. Each existing scheme gets its own UUID (a default on AddField would
give every row the same one), then the column becomes unique and required.
"""

import uuid

from django.db import migrations, models


def give_each_scheme_a_uuid(apps, schema_editor):
    Scheme = apps.get_model("rewards", "Scheme")
    schemes = list(Scheme.objects.filter(public_id__isnull=True).only("pk"))
    for scheme in schemes:
        scheme.public_id = uuid.uuid4()
    Scheme.objects.bulk_update(schemes, ["public_id"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0010_voucher_redemptions_undone")]

    operations = [
        migrations.AddField(
            model_name="scheme",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_scheme_a_uuid, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="scheme",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
