"""The back office's CSV import page (``/admin/venues/venue/import/``), for council admins.

The same service as ``manage.py import_venues`` (venues.importing) reads and writes the file;
the page shows its report: created, updated, unchanged, and each rejected line with its reason.
"""

import time

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from venues.back_office import back_office_access
from venues.geocoding import Coordinates, GeocodingFailed, geocode_address
from venues.importing import ImportFileError, read_venue_csv, venues_import

MAX_FILE_BYTES = 5 * 1024 * 1024  # ~40,000 rows: far more than any council has venues
# Rows without coordinates are geocoded while the page waits (Nominatim allows about one
# request a second): past this many, they are rejected with the reason, to be given coordinates.
MAX_GEOCODED_ROWS = 50


def geocoder_with_a_budget(budget: int = MAX_GEOCODED_ROWS, seconds: float | None = None):
    """The import page's geocoder: at most ``budget`` rows, and at most ``seconds``
    (``GEOCODER_IMPORT_BUDGET_SECONDS``) of waiting in all, so a geocoder that hangs cannot hold
    the web worker past gunicorn's timeout (each call's wait is cut to what is left). Rows past
    either are rejected with the reason; ``manage.py import_venues`` has no such bound."""
    used = 0
    seconds = settings.GEOCODER_IMPORT_BUDGET_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + seconds

    def geocode(*, address: str, postcode: str) -> Coordinates:
        nonlocal used
        used += 1
        if used > budget:
            raise GeocodingFailed(
                gettext(
                    "more than %(budget)d rows without coordinates in one file; give this row's "
                    "latitude and longitude"
                )
                % {"budget": budget}
            )
        left = deadline - time.monotonic()
        if left < 0.5:
            raise GeocodingFailed(
                gettext(
                    "the page's %(seconds)s seconds for geocoding ran out; give this row's "
                    "latitude and longitude, or import the file with manage.py import_venues"
                )
                % {"seconds": f"{seconds:g}"}
            )
        return geocode_address(address=address, postcode=postcode, timeout=left)

    return geocode


class VenueImportForm(forms.Form):
    council = forms.ModelChoiceField(queryset=None, label=_("Council"), empty_label=None)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV (Excel: 'CSV UTF-8'), at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, councils, body_too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.body_too_large = body_too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.body_too_large or upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 5 MB."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                gettext("The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8'.")
            ) from exc
        try:
            return read_venue_csv(text)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc


def import_view(model_admin, request):
    access = back_office_access(request)
    councils = access.councils().order_by("name")
    if not (access.is_superuser or access.council_ids()):
        raise PermissionDenied
    # A body over the limit is refused beside the file field, unread (the proxy should cap
    # bodies too). Once answered 500: an error added to a form that was never bound.
    too_large = int(request.META.get("CONTENT_LENGTH") or 0) > MAX_FILE_BYTES + 64 * 1024
    form = VenueImportForm(
        request.POST or None,
        request.FILES or None,
        councils=councils,
        body_too_large=request.method == "POST" and too_large,
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": gettext("Import venues from CSV"),
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        council = form.cleaned_data["council"]
        context.update(
            report=venues_import(
                council=council,
                rows=form.cleaned_data["file"],
                geocode=geocoder_with_a_budget(),
                actor=request.user,
                source=request.FILES["file"].name,
            ),
            council=council,
            file_name=request.FILES["file"].name,
            form=VenueImportForm(councils=councils, initial={"council": council}),
        )
    return TemplateResponse(request, "admin/venues/venue/import.html", context)


def urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view(lambda request: import_view(model_admin, request))
    return [path("import/", view, name="venues_venue_import")]
