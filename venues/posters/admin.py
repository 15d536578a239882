"""Posters in the back office: made (the token is signed by the poster service), downloaded as
the printable PNG or PDF, and revoked after a confirmation. A printed poster is never edited:
a wrong or leaked one is revoked and a new one made, in one step from its page or from the
alert that found it leaked ("Revoke and print its replacement")."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from venues.back_office import (
    ScopedAdmin,
    ScopedRelatedFilter,
    confirmed_action,
    form_action,
    posted,
)
from venues.models import Poster
from venues.posters.pdf import poster_pdf
from venues.posters.printing import poster_filename
from venues.posters.rendering import poster_png
from venues.posters.services import (
    poster_code_display,
    poster_create,
    poster_replace,
    poster_revoke,
    poster_url,
)


@admin.register(Poster)
class PosterAdmin(ScopedAdmin):
    venue_path = "venue"
    council_path = "venue__council"
    list_display = ["label", "venue", "typed_code", "created_at", "state", "downloads"]
    list_filter = [("venue", ScopedRelatedFilter)]
    search_fields = ["label", "venue__name"]
    list_select_related = ["venue"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["venue", "label"]
        return [
            "venue",
            "label",
            "typed_code",
            "link",
            "downloads",
            "created_at",
            "created_by",
            "state",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # printed: revoke it and make a new one

    def save_model(self, request, obj, form, change):
        poster = poster_create(
            venue=form.cleaned_data["venue"],
            label=form.cleaned_data["label"],
            created_by=request.user,
        )
        obj.pk, obj.token, obj._state.adding = poster.pk, poster.token, False

    @admin.display(description=_("state"))
    def state(self, poster):
        if poster.revoked_at:
            return gettext("Revoked %(date)s") % {
                "date": date_format(timezone.localtime(poster.revoked_at), "d M Y")
            }
        return gettext("In use")

    @admin.display(description=_("code under the QR"))
    def typed_code(self, poster):
        return poster_code_display(poster.code)

    @admin.display(description=_("poster link"))
    def link(self, poster):
        return poster_url(poster)

    @admin.display(description=_("print"))
    def downloads(self, poster):
        if poster.revoked_at:
            return "-"
        return format_html(
            '<a href="{}">PDF (A4)</a> &middot; <a href="{}">PNG</a> &middot; <a href="{}">{}</a>',
            reverse("admin:venues_poster_print", args=[poster.pk, "pdf"]),
            reverse("admin:venues_poster_print", args=[poster.pk, "png"]),
            reverse("admin:venues_poster_replace", args=[poster.pk]),
            gettext("revoke and print a replacement"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.print_view)
        replace = self.admin_site.admin_view(self.replace_view)
        return [
            path("<uuid:poster_id>/print.<str:kind>", view, name="venues_poster_print"),
            path("<uuid:poster_id>/replace/", replace, name="venues_poster_replace"),
            *super().get_urls(),
        ]

    def replace_view(self, request, poster_id):
        poster = get_object_or_404(self.get_queryset(request).select_related("venue"), pk=poster_id)
        if not self.has_view_permission(request, poster):
            raise PermissionDenied

        def perform(data):
            replacement = poster_replace(poster=poster, replaced_by=request.user)
            pdf = reverse("admin:venues_poster_print", args=[replacement.pk, "pdf"])
            message = format_html(
                gettext(
                    "“{}” is revoked: its QR code and its typed code no longer check anyone in. "
                    'Its replacement is ready: <a href="{}">print it (PDF, A4)</a> and put it up '
                    "in place of the old one."
                ),
                poster.label,
                pdf,
            )
            return message, reverse("admin:venues_poster_change", args=[replacement.pk])

        return form_action(
            self,
            request,
            title=gettext("Revoke this poster and print its replacement"),
            intro=(
                gettext(
                    "The poster is revoked at once: check-ins with its QR code or typed code are "
                    "refused from now on. A new poster with the same label is made for you to "
                    "print."
                ),
            ),
            facts=(
                (gettext("Poster"), poster.label),
                (gettext("Venue"), poster.venue.name),
                (gettext("Code under the QR"), poster_code_display(poster.code)),
            ),
            form=forms.Form(posted(request)),
            button=gettext("Revoke it and make the replacement"),
            back_url=reverse("admin:venues_poster_change", args=[poster.pk]),
            perform=perform,
        )

    def print_view(self, request, poster_id, kind: str):
        poster = get_object_or_404(
            self.get_queryset(request).select_related("venue__council"), pk=poster_id
        )
        if not self.has_view_permission(request, poster):
            raise PermissionDenied
        if poster.revoked_at or kind not in ("pdf", "png"):
            raise Http404
        content, media = (
            (poster_pdf(poster), "application/pdf")
            if kind == "pdf"
            else (poster_png(poster), "image/png")
        )
        response = HttpResponse(content, content_type=media)
        response["Content-Disposition"] = f'attachment; filename="{poster_filename(poster, kind)}"'
        return response

    @admin.action(description=_("Revoke the selected posters"))
    def revoke(self, request, queryset):
        def perform(posters):
            for poster in posters:
                poster_revoke(poster=poster, revoked_by=request.user)
            return ngettext(
                "%(count)d poster revoked: its QR code no longer checks anyone in.",
                "%(count)d posters revoked: their QR codes no longer check anyone in.",
                len(posters),
            ) % {"count": len(posters)}

        return confirmed_action(
            self,
            request,
            queryset,
            question=gettext(
                "Revoke these posters? Check-ins with them will be refused from now on."
            ),
            button=gettext("Yes, revoke them"),
            perform=lambda qs: perform(list(qs)),
        )
