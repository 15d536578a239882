"""Hidden comments' reasons, as their authors now read them: the two reasons the code used to
write itself become the standard wording, which is shown in the reader's language
(checkins.comments.services.hidden_reason_shown). A manager's own words are left as written.

Reversible as a no-op: the old texts carried a count of reports that is not worth restoring.
"""

from django.db import migrations

BY_REPORTS = "Hidden while the venue reviews reports from other visitors."
BY_MANAGERS = "Hidden by the venue's managers."


def reword(apps, schema_editor):
    Comment = apps.get_model("checkins", "Comment")
    hidden = Comment.objects.filter(status="hidden")
    hidden.filter(
        hidden_reason__startswith="Reported by ",
        hidden_reason__endswith=" residents; hidden pending review.",
    ).update(hidden_reason=BY_REPORTS)
    hidden.filter(hidden_reason__in=["Hidden in the back office", ""]).update(
        hidden_reason=BY_MANAGERS
    )


class Migration(migrations.Migration):
    dependencies = [("checkins", "0005_comment_replies_alerts")]

    operations = [migrations.RunPython(reword, migrations.RunPython.noop)]
