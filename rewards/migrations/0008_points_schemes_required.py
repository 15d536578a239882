import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("rewards", "0007_points_schemes_data")]

    operations = [
        migrations.AlterField(
            model_name="offer",
            name="pool",
            field=models.OneToOneField(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="rewards.ledgeraccount",
            ),
        ),
        migrations.AlterField(
            model_name="pointslot",
            name="wallet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="lots",
                to="rewards.wallet",
            ),
        ),
    ]
