from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from venues.importing import ImportFileError, read_venue_csv, venues_import
from venues.models import Council


class Command(BaseCommand):
    help = (
        "Create or update a council's venues from a CSV file with the header "
        "name,category,address,postcode,latitude,longitude. Bad rows are reported, not fatal."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument("--council", required=True, help="The council's slug.")

    def handle(self, *args, file: Path, council: str, **options):
        council_obj = Council.objects.filter(slug=council).first()
        if council_obj is None:
            raise CommandError(f"No council has the slug '{council}'.")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            rows = read_venue_csv(text)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        report = venues_import(
            council=council_obj, rows=rows, source=f"{file.name} (manage.py import_venues)"
        )

        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        for rejected in report.rejected:
            name = f" ({rejected.name})" if rejected.name else ""
            self.stdout.write(
                self.style.ERROR(f"rejected line {rejected.line}{name}: {rejected.reason}")
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{council_obj.name}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {len(report.rejected)} rejected."
            )
        )
