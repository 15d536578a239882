"""Fill the daily rollup from the check-ins already recorded (the same code as the
``rebuild_visit_days`` command). Backwards there is nothing to undo: 0002 drops the table."""

from django.db import migrations


def fill(apps, schema_editor):
    from checkins.visit_days import visit_days_rebuild

    visit_days_rebuild(
        checkin_model=apps.get_model("checkins", "CheckIn"),
        visit_day_model=apps.get_model("checkins", "VisitDay"),
    )


class Migration(migrations.Migration):
    dependencies = [("checkins", "0002_visit_day")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
