"""The daily rollup of check-ins (``VisitDay``): one row per venue, local day and resident.

``checkin_insert_counted`` is the one write per accepted check-in: the check-in's INSERT and the
upsert of its row, in one statement on PostgreSQL, run inside the check-in's transaction and
under the resident's row lock (so two check-ins of one resident never race on their row or on
the "first" flags). ``visit_days_rebuild`` recomputes the whole table from check-ins (the
migration that created it, the ``rebuild_visit_days`` command, the benchmark).

The SQL is plain ``INSERT ... SELECT ... ON CONFLICT DO UPDATE``, which SQLite (3.24+) and
PostgreSQL both run. A check-in is never deleted (erasure keeps visits); one voided as fraud
leaves the rollup (``visit_day_remove``), so it leaves every statistic read from it.
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.db.models.sql import InsertQuery

from checkins.models import CheckIn, VisitDay


def local_day(moment) -> date:
    """The local date (``settings.TIME_ZONE``) of an aware datetime: the rollup's day."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def checkin_insert_counted(*, checkin: CheckIn) -> None:
    """Insert ``checkin`` (not yet saved) and count it in its rollup row (creating the row,
    with its "first" flags, on the resident's first check-in there that day), in one statement
    on PostgreSQL (the check-in's INSERT, as Django compiles it, runs as a WITH clause of the
    upsert) and two on SQLite (no INSERT in a WITH there). No model signals are sent:
    ``CheckIn`` has no receivers. Call it in the check-in's transaction, under the resident's
    row lock."""
    query = InsertQuery(CheckIn)
    query.insert_values(CheckIn._meta.concrete_fields, [checkin])
    [(insert, insert_params)] = query.get_compiler(connection=connection).as_sql()
    upsert, upsert_params = _upsert(checkin)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"WITH checkin AS ({insert}) {upsert}", [*insert_params, *upsert_params])
        else:
            cursor.execute(insert, insert_params)
            cursor.execute(upsert, upsert_params)
    checkin._state.adding = False
    checkin._state.db = connection.alias


def _upsert(checkin: CheckIn) -> tuple[str, list]:
    table = VisitDay._meta.db_table
    venue_table = checkin.venue._meta.db_table
    field = VisitDay._meta.get_field
    venue = field("venue").get_db_prep_value(checkin.venue_id, connection)
    resident = field("resident").get_db_prep_value(checkin.resident_id, connection)
    council = checkin.venue._meta.get_field("council").get_db_prep_value(
        checkin.venue.council_id, connection
    )
    day = field("day").get_db_prep_value(local_day(checkin.created_at), connection)
    statement = f"""
        INSERT INTO {table}
            (venue_id, day, resident_id, checkins, is_first_at_venue, is_first_in_council)
        SELECT %s, %s, %s, 1,
            NOT EXISTS (
                SELECT 1 FROM {table}
                WHERE resident_id = %s AND venue_id = %s AND is_first_at_venue AND day < %s
            ),
            NOT EXISTS (
                SELECT 1 FROM {table} earlier JOIN {venue_table} v ON v.id = earlier.venue_id
                WHERE earlier.resident_id = %s AND v.council_id = %s
                    AND earlier.is_first_in_council AND earlier.day < %s
            )
        WHERE 1 = 1
        ON CONFLICT (venue_id, day, resident_id)
        DO UPDATE SET checkins = {table}.checkins + 1
        """
    return statement, [venue, day, resident, resident, venue, day, resident, council, day]


def visit_day_remove(*, checkin: CheckIn) -> None:
    """Take a voided ``checkin`` out of its (venue, local day, resident) row: one fewer, or the
    row gone with its last check-in. A "first" flag gone with it moves to the resident's
    earliest remaining day there, so they are still counted as new once. Call it in the void's
    transaction, under the resident's row lock."""
    row = (
        VisitDay.objects.select_for_update()
        .filter(
            venue_id=checkin.venue_id,
            day=local_day(checkin.created_at),
            resident_id=checkin.resident_id,
        )
        .first()
    )
    if row is None:  # a check-in made before the rollup existed and never counted
        return
    if row.checkins > 1:
        VisitDay.objects.filter(pk=row.pk).update(checkins=F("checkins") - 1)
        return
    row.delete()
    mine = VisitDay.objects.filter(resident_id=checkin.resident_id)
    here = mine.filter(venue_id=checkin.venue_id)
    if row.is_first_at_venue and not here.filter(is_first_at_venue=True).exists():
        earliest = here.order_by("day").first()
        if earliest is not None:
            VisitDay.objects.filter(pk=earliest.pk).update(is_first_at_venue=True)
    council = mine.filter(venue__council_id=checkin.venue.council_id)
    if row.is_first_in_council and not council.filter(is_first_in_council=True).exists():
        earliest = council.order_by("day").first()
        if earliest is not None:
            VisitDay.objects.filter(pk=earliest.pk).update(is_first_in_council=True)


def visit_days_rebuild(*, checkin_model=CheckIn, visit_day_model=VisitDay) -> int:
    """Replace every ``VisitDay`` row by a recount of (unvoided) check-ins; returns the rows
    written.

    The flags mark each resident's earliest day per venue and per council. The models are
    parameters so a migration can pass its historical ones. Run it in a transaction (the
    migration and the command do) so readers never see the table half full.
    """
    counted = checkin_model.objects.all()
    if any(field.name == "voided_at" for field in checkin_model._meta.get_fields()):
        counted = counted.filter(voided_at__isnull=True)  # (the first migrations' model has none)
    grouped = (
        counted.annotate(on_day=TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE)))
        .order_by()
        .values("venue_id", "on_day", "resident_id")
        .annotate(n=Count("id"))
    )
    inner, params = grouped.query.sql_with_params()
    table = visit_day_model._meta.db_table
    venue_table = checkin_model._meta.get_field("venue").related_model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"""
            INSERT INTO {table}
                (venue_id, day, resident_id, checkins, is_first_at_venue, is_first_in_council)
            SELECT g.venue_id, g.on_day, g.resident_id, g.n,
                g.on_day = MIN(g.on_day) OVER (PARTITION BY g.venue_id, g.resident_id),
                g.on_day = MIN(g.on_day) OVER (PARTITION BY v.council_id, g.resident_id)
            FROM ({inner}) g JOIN {venue_table} v ON v.id = g.venue_id
            """,
            params,
        )
        return cursor.rowcount
