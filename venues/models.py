import logging
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backend.transitions import check_move
from backend.welsh import in_language

# Models of the app's packages, imported so Django registers them here (they name ours by string).
from venues.activity.models import ActivityEntry  # noqa: F401
from venues.invitations.models import Invitation  # noqa: F401
from venues.validators import validate_opening_hours, validate_postcode

logger = logging.getLogger(__name__)


class CouncilLanguage(models.TextChoices):
    ENGLISH = "en-gb", _("English")
    WELSH = "cy", _("Cymraeg (Welsh)")
    BILINGUAL = "bilingual", _("Bilingual: Welsh first, then English")


def staff_email_language(councils) -> str:
    """The language of an email to a council's people (the digest, comment alerts): Welsh when
    any of ``councils`` runs in Welsh or bilingually, as its staff then work in Welsh; else
    English. The pages follow each reader's own choice instead (the switch in the header)."""
    welsh = (CouncilLanguage.WELSH, CouncilLanguage.BILINGUAL)
    return "cy" if any(council.language in welsh for council in councils) else "en-gb"


class Council(models.Model):
    """A local authority: it registers venues and appoints the people who run them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_cy = models.CharField(
        _("name in Welsh"),
        max_length=200,
        blank=True,
        help_text=_("Shown instead of the name to Welsh readers, when set (e.g. Cyngor Gwynedd)."),
    )
    website = models.URLField(_("website"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=CouncilLanguage.choices,
        default=CouncilLanguage.ENGLISH,
        help_text=_(
            "The language of its posters, and of its venues' pages for a resident who "
            "has not chosen one. Bilingual puts Welsh first."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        return in_language(language, self.name, self.name_cy)

    @property
    def shown_name(self) -> str:
        """The name in the language of the request being answered."""
        return self.name_in(get_language() or "")


class CouncilLink(models.Model):
    """One of the council's own places online (its website, a social account, a feedback
    form), listed with its label on every venue's public page so people find them all."""

    LABEL_MAX_LENGTH = 80

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="links", verbose_name=_("council")
    )
    label = models.CharField(
        _("label"),
        max_length=LABEL_MAX_LENGTH,
        help_text=_("What people see, e.g. 'Leeds Libraries on Facebook'."),
    )
    label_cy = models.CharField(
        _("label in Welsh"),
        max_length=LABEL_MAX_LENGTH,
        blank=True,
        help_text=_("Shown instead of the label to Welsh readers, when set."),
    )
    url = models.URLField(_("address (URL)"), max_length=500)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Links are listed by this number, smallest first.")
    )

    class Meta:
        ordering = ["position", "label", "id"]
        verbose_name = _("council link")
        verbose_name_plural = _("council links")
        constraints = [
            models.UniqueConstraint(fields=["council", "url"], name="council_link_once"),
            models.CheckConstraint(condition=~Q(label=""), name="council_link_has_label"),
            models.CheckConstraint(
                condition=Q(url__startswith="https://") | Q(url__startswith="http://"),
                name="council_link_is_web_address",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def shown_label(self) -> str:
        return self.label_cy if (get_language() or "") == "cy" and self.label_cy else self.label


class VenueCategory(models.TextChoices):
    LIBRARY = "library", _("Library")
    LEISURE_CENTRE = "leisure_centre", _("Leisure centre")
    MUSEUM = "museum", _("Museum")
    PARK = "park", _("Park")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    THEATRE = "theatre", _("Theatre")
    COUNCIL_OFFICE = "council_office", _("Council office")
    OTHER = "other", _("Other")


class Venue(models.Model):
    """A place residents check in at: a library, a leisure centre, a park..."""

    Category = VenueCategory

    class FoursquareStatus(models.TextChoices):
        PENDING = "pending", _("Pending")
        LINKED = "linked", _("Linked")
        UNMATCHED = "unmatched", _("Unmatched")
        ERROR = "error", _("Error")

    # Where a Foursquare link may go from each status (set_foursquare_status refuses the rest).
    # A linked venue keeps its place id, so it is never matched again and cannot become
    # unmatched; a place id changed by hand sends any venue back to pending.
    FOURSQUARE_TRANSITIONS = {
        FoursquareStatus.PENDING: {"pending", "linked", "unmatched", "error"},
        FoursquareStatus.LINKED: {"linked", "error", "pending"},
        FoursquareStatus.UNMATCHED: {"unmatched", "linked", "error", "pending"},
        FoursquareStatus.ERROR: {"error", "linked", "unmatched", "pending"},
    }

    RADIUS_MIN_M = 10
    RADIUS_MAX_M = 1000
    RADIUS_DEFAULT_M = 100

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="venues", verbose_name=_("council")
    )
    name = models.CharField(_("name"), max_length=200)
    # Shown instead of name and description to a reader whose language is Welsh, when set.
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    description_cy = models.TextField(_("description in Welsh"), blank=True, max_length=2000)
    slug = models.SlugField(_("slug"), max_length=220)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    # Empty for the few venues listed by coordinates or postcode alone (small branch libraries).
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, validators=[validate_postcode])
    # WGS-84 degrees. Many published coordinates are postcode centroids: hence radius_m.
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    radius_m = models.PositiveIntegerField(
        _("radius (m)"),
        default=RADIUS_DEFAULT_M,
        validators=[MinValueValidator(RADIUS_MIN_M), MaxValueValidator(RADIUS_MAX_M)],
        help_text=_("How far from the coordinates a check-in is still at the venue."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    opening_hours = models.JSONField(
        _("opening hours"), default=dict, blank=True, validators=[validate_opening_hours]
    )
    website = models.URLField(
        _("website"), blank=True, help_text=_("The venue's own page; compared with Foursquare's.")
    )

    foursquare_place_id = models.CharField(
        _("Foursquare place id"),
        max_length=64,
        blank=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z_-]*$", _("A Foursquare place id is letters and digits."))
        ],
    )
    foursquare_status = models.CharField(
        _("Foursquare status"),
        max_length=16,
        choices=FoursquareStatus.choices,
        default=FoursquareStatus.PENDING,
    )
    foursquare_synced_at = models.DateTimeField(_("Foursquare synced at"), null=True, blank=True)
    foursquare_error = models.TextField(_("Foursquare error"), blank=True)
    # Where Foursquare's listing differs from this record, as the last sync saw it:
    # [{"field", "council", "foursquare"}] (venues.foursquare.drift).
    foursquare_drift = models.JSONField(_("Foursquare drift"), default=list, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="venue_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="venue_longitude_range"
            ),
            models.CheckConstraint(
                condition=Q(radius_m__gte=10, radius_m__lte=1000), name="venue_radius_range"
            ),
            models.CheckConstraint(
                condition=Q(category__in=VenueCategory.values),
                name="venue_category_known",
            ),
            models.UniqueConstraint(
                fields=["council", "slug"], name="venue_slug_unique_in_council"
            ),
            # The key of the CSV import: re-importing a file updates, never duplicates.
            models.UniqueConstraint(
                fields=["council", "name", "postcode"], name="venue_unique_name_postcode"
            ),
        ]
        indexes = [
            # The bounding-box prefilter of the geo search (venues.selectors.venues_near).
            # Covering (INCLUDE id): the candidates come from the index alone on PostgreSQL.
            models.Index(
                fields=["latitude", "longitude"],
                include=["id"],
                condition=Q(is_active=True),
                name="venue_active_lat_lng",
            ),
            models.Index(fields=["council", "name"], name="venue_council_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.postcode})"

    def name_in(self, language: str) -> str:
        """The venue's name in ``language`` ("cy" or "en-gb"): the Welsh one when asked for
        and set, else the name."""
        return self.name_cy if language == "cy" and self.name_cy else self.name

    def description_in(self, language: str) -> str:
        return self.description_cy if language == "cy" and self.description_cy else self.description

    @property
    def shown_name(self) -> str:
        """The name in the language of the request being answered."""
        return self.name_in(get_language() or "")

    @property
    def shown_description(self) -> str:
        return self.description_in(get_language() or "")

    def set_foursquare_status(self, status: str, *, error: str = "") -> None:
        """Move the Foursquare link to ``status`` (with the error text, empty unless it is
        one), along FOURSQUARE_TRANSITIONS. The caller saves."""
        check_move(
            self.FOURSQUARE_TRANSITIONS, self.foursquare_status, status, what="Foursquare link"
        )
        if status != self.foursquare_status:
            logger.info(
                "Venue %s: Foursquare link %s -> %s", self.pk, self.foursquare_status, status
            )
        self.foursquare_status = status
        self.foursquare_error = error


class Role(models.Model):
    """A right over a council or one of its venues, granted to an account.

    ``council_admin`` covers every venue of the council; ``venue_manager`` and ``venue_staff``
    one venue. Site superusers need no role.
    """

    class Kind(models.TextChoices):
        COUNCIL_ADMIN = "council_admin", _("council admin")
        VENUE_MANAGER = "venue_manager", _("venue manager")
        VENUE_STAFF = "venue_staff", _("venue staff")

    VENUE_KINDS = (Kind.VENUE_MANAGER, Kind.VENUE_STAFF)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("user"),
    )
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="roles", verbose_name=_("council")
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("venue"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Kind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="council_admin", venue__isnull=True)
                    | Q(role__in=["venue_manager", "venue_staff"], venue__isnull=False)
                ),
                name="role_venue_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "council", "role"],
                condition=Q(venue__isnull=True),
                name="role_unique_council_role",
            ),
            models.UniqueConstraint(
                fields=["user", "venue", "role"],
                condition=Q(venue__isnull=False),
                name="role_unique_venue_role",
            ),
        ]

    def __str__(self) -> str:
        target = self.venue.name if self.venue_id else self.council.name
        return _("%(person)s: %(role)s of %(place)s") % {
            "person": self.user.display_name,
            "role": self.get_role_display(),
            "place": target,
        }


class Poster(models.Model):
    """A printed QR poster at a venue's entrance. Its token is signed once, when it is made
    (ECDSA signatures differ each time), and stored so that the same poster can be printed
    again. Printed posters cannot rotate: a leaked one is revoked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="posters", verbose_name=_("venue")
    )
    label = models.CharField(
        _("label"), max_length=100, help_text=_("Where it hangs, e.g. 'Main entrance'.")
    )
    token = models.TextField(_("token"), unique=True, editable=False)
    # Printed under the QR for people who cannot scan it, typed in at /q/; the compact token
    # is this code, signed (venues/posters/tokens.py).
    code = models.CharField(_("code"), max_length=8, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("poster")
        verbose_name_plural = _("posters")

    def __str__(self) -> str:
        return f"{self.label}, {self.venue.name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class FoursquarePlace(models.Model):
    """The Foursquare place a venue is linked to, as last fetched.

    A cache, not a copy: Foursquare's pay-as-you-go terms let only the place id be kept
    indefinitely, so the details are refreshed by the nightly sync and carry ``fetched_at``.
    """

    class LinkedBy(models.TextChoices):
        MATCH = "match", _("match")
        SEARCH = "search", _("search")
        MANUAL = "manual", _("manual")

    venue = models.OneToOneField(
        Venue,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="foursquare_place",
        verbose_name=_("venue"),
    )
    place_id = models.CharField(_("place id"), max_length=64)
    linked_by = models.CharField(_("linked by"), max_length=8, choices=LinkedBy.choices)
    match_score = models.FloatField(_("match score"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=300)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    locality = models.CharField(_("locality"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    rating = models.FloatField(
        _("rating"), null=True, blank=True, help_text=_("0-10, from Foursquare users.")
    )
    popularity = models.FloatField(
        _("popularity"), null=True, blank=True, help_text=_("0-1, relative foot traffic.")
    )
    hours = models.JSONField(_("hours"), default=dict, blank=True)
    tips_count = models.PositiveIntegerField(_("number of tips"), null=True, blank=True)
    date_closed = models.DateField(_("date closed"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("Foursquare place")
        verbose_name_plural = _("Foursquare places")

    def __str__(self) -> str:
        return f"{self.name} ({self.place_id})"


class FoursquareProposal(models.Model):
    """One value the council proposed to Foursquare (Places Feedback), so that it is proposed
    once: the same (place, field, value) is never sent twice, whatever Foursquare decided."""

    class Field(models.TextChoices):
        NAME = "name", _("name")
        ADDRESS = "address", _("address")
        POSTCODE = "postcode", _("postcode")
        COORDINATES = "coordinates", _("coordinates")
        WEBSITE = "website", _("website")
        CLOSED = "closed", _("closed (venue deactivated)")

    SENDING = "sending"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        related_name="foursquare_proposals",
        verbose_name=_("venue"),
    )
    place_id = models.CharField(_("place id"), max_length=64)
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    value = models.CharField(_("value"), max_length=500)
    suggestion_id = models.CharField(_("suggestion id"), max_length=64, blank=True, db_index=True)
    # Foursquare's word for where the proposal stands; "sending" while the call is in flight.
    status = models.CharField(_("status"), max_length=32, default=SENDING)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "field"]
        verbose_name = _("Foursquare proposal")
        verbose_name_plural = _("Foursquare proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["place_id", "field", "value"], name="foursquare_proposal_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(resolved_at__isnull=True),
                name="foursquare_proposal_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.value}"


class FoursquareTip(models.Model):
    """A tip Foursquare users left on the venue's place, as the sync last fetched it.

    A cache under the same terms as the place's details (venues.foursquare.retention): replaced
    by each sync, and deleted with the details once older than their lifetime, or at once when
    none may be kept. The council reads them beside its residents' comments.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="foursquare_tips", verbose_name=_("venue")
    )
    place_id = models.CharField(_("place id"), max_length=64)
    tip_id = models.CharField(_("tip id"), max_length=64)
    text = models.TextField(_("text"))
    lang = models.CharField(_("language"), max_length=16, blank=True)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    agree_count = models.PositiveIntegerField(_("agreed"), null=True, blank=True)
    disagree_count = models.PositiveIntegerField(_("disagreed"), null=True, blank=True)
    # When its author wrote it, as Foursquare says; when we fetched it.
    created_at = models.DateTimeField(_("written at"))
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("Foursquare tip")
        verbose_name_plural = _("Foursquare tips")
        constraints = [
            models.UniqueConstraint(fields=["venue", "tip_id"], name="foursquare_tip_once"),
        ]
        indexes = [
            models.Index(fields=["venue", "-created_at"], name="foursquare_tip_venue_recent"),
            models.Index(fields=["fetched_at"], name="foursquare_tip_fetched"),
        ]

    def __str__(self) -> str:
        excerpt = self.text if len(self.text) <= 40 else f"{self.text[:39]}…"
        return _("Foursquare tip “%(excerpt)s”") % {"excerpt": excerpt}
