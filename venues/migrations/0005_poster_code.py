"""Posters get a short fallback code (printed under the QR, typed in at /q/).

Posters already made get one too, so that they can be typed in as well; their printed QR keeps
its JWS token. Reversible: going back drops the column and the codes with it.
"""

import secrets

from django.db import migrations, models

# venues.posters.tokens.CODE_ALPHABET at the time of writing (a migration stays as it was).
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def give_codes(apps, schema_editor):
    Poster = apps.get_model("venues", "Poster")
    taken = set()
    for poster in Poster.objects.filter(code__isnull=True).only("id"):
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(code)
        Poster.objects.filter(pk=poster.pk).update(code=code)


class Migration(migrations.Migration):
    dependencies = [("venues", "0004_foursquare_sync")]

    operations = [
        migrations.AddField(
            model_name="poster",
            name="code",
            field=models.CharField(editable=False, max_length=8, null=True, unique=True),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
    ]
