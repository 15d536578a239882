"""PostgreSQL plans a repeated statement once per connection (settings: DB_PREPARE_THRESHOLD)."""

import pytest
from django.conf import settings
from django.db import connection

from tests.backend.test_celery import production_settings
from tests.conftest import postgres_only


def test_postgresql_binds_on_the_server_and_prepares_from_the_fifth_run(monkeypatch):
    conf = production_settings(
        monkeypatch, DATABASE_URL="postgresql://u@db:5432/checkins", SECRET_KEY="x" * 50
    )
    options = conf["DATABASES"]["default"]["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_URL": "postgresql://u@db:5432/checkins", "DB_PREPARE_THRESHOLD": "0"},
        {"DATABASE_URL": "sqlite:////tmp/checkins.sqlite3"},
    ],
    ids=["turned off", "sqlite"],
)
def test_no_prepared_statements_when_off_or_on_sqlite(monkeypatch, env):
    conf = production_settings(monkeypatch, SECRET_KEY="x" * 50, **env)
    assert "server_side_binding" not in conf["DATABASES"]["default"].get("OPTIONS", {})


@postgres_only
@pytest.mark.django_db
def test_a_statement_run_often_is_prepared_on_its_connection():
    with connection.cursor() as cursor:
        for _ in range(settings.DB_PREPARE_THRESHOLD + 1):
            cursor.execute("SELECT %s::int + 41", [1])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT $1::int + 41%"],
        )
        assert cursor.fetchone()[0] == 1
