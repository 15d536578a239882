from django.db import migrations, models


class Migration(migrations.Migration):
    """Every poster has its code (0005 gave one to those made before); a separate migration so
    the column's constraint changes in a transaction of its own on PostgreSQL."""

    dependencies = [("venues", "0005_poster_code")]

    operations = [
        migrations.AlterField(
            model_name="poster",
            name="code",
            field=models.CharField(editable=False, max_length=8, unique=True),
        ),
    ]
