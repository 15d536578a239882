"""The data migration that rewords the reasons the code used to write for hidden comments."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("checkins", "0005_comment_replies_alerts")
AFTER = ("checkins", "0006_comment_hidden_reasons_worded")


def _migrate(targets):
    """The database at ``targets`` (migrations that depend on a later checkins migration are
    unapplied with it); the models of that state."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def back_to_latest():
    """Whatever the test leaves, the next test finds every migration applied."""
    yield
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_old_reasons_become_the_standard_wording_and_a_managers_words_stay(back_to_latest):
    apps = _migrate([BEFORE])
    User = apps.get_model("accounts", "User")
    Council = apps.get_model("venues", "Council")
    Venue = apps.get_model("venues", "Venue")
    Comment = apps.get_model("checkins", "Comment")
    author = User.objects.create(email="rosa@example.org", display_name="Rosa")
    council = Council.objects.create(slug="c", name="C")
    venue = Venue.objects.create(
        council=council, name="V", slug="v", category="library", postcode="IG11 7NB",
        latitude=51.5, longitude=0.08,
    )  # fmt: skip
    reasons = [
        ("hidden", "Reported by 3 residents; hidden pending review."),
        ("hidden", "Hidden in the back office"),
        ("hidden", "Names a member of staff."),
        ("visible", ""),
    ]
    for status, reason in reasons:
        Comment.objects.create(
            venue=venue, author=author, body=reason or "fine", status=status, hidden_reason=reason
        )

    apps = _migrate([AFTER])
    after = apps.get_model("checkins", "Comment").objects.order_by("body")
    assert sorted(after.values_list("status", "hidden_reason")) == [
        ("hidden", "Hidden by the venue's managers."),
        ("hidden", "Hidden while the venue reviews reports from other visitors."),
        ("hidden", "Names a member of staff."),
        ("visible", ""),
    ]
