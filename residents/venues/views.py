"""A venue's public page, ``/v/<id>/``: the page to share, link to or find a venue by.

Its name (in Welsh for Welsh readers), address, opening hours (unknown shown as unknown), its
offers in words (with a signed-in resident's progress), its rating and visible comments with
the venue's replies, every other place to find it (its website, its Foursquare listing, the
council's own links), and what makes a shared link show a card: Open Graph tags, a card image
(``/v/<id>/card.png``) and schema.org ``Place`` data. The poster page links here.

A resident who may comment here (a recent check-in) can rate and comment, and report others'
comments; an author sees their own hidden comments here with the reason, and nobody else does.
Both forms post to this page's sub-paths and call the comment services, as the API does.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST, require_safe

from backend.errors import ApplicationError
from checkins.comments.services import comment_create, comment_report
from checkins.models import Comment, CommentStatus
from residents.comments.forms import ReportForm
from residents.language import council_language_activate
from residents.posters.forms import CommentForm
from residents.selectors import offers_in_words
from residents.venues.card import venue_card_png
from residents.venues.selectors import (
    foursquare_url,
    opening_hours_rows,
    reader_standing,
    venue_comments_page,
    venue_for_page,
    venue_rating,
)
from residents.venues.sharing import (
    card_url,
    category_in_words,
    json_ld,
    page_url,
    place_data,
    share_description,
)
from residents.words import comment_thanks

TEMPLATE = "residents/venue.html"


def _venue(request, venue_id):
    venue = venue_for_page(venue_id=venue_id)
    if venue is None:
        raise Http404("No such venue.")
    council_language_activate(request=request, council=venue.council)
    return venue


@never_cache  # what it shows depends on who reads it (progress, forms, their hidden comments)
@csrf_protect
@require_safe
def venue_page(request, venue_id):
    venue = _venue(request, venue_id)
    return render(request, TEMPLATE, _context(request, venue))


def _context(request, venue, *, comment_form=None, report_form=None, reporting=None) -> dict:
    hours = opening_hours_rows(venue)
    rating = venue_rating(venue)
    comments = venue_comments_page(venue, request.GET.get("page"))
    standing = reader_standing(venue, request.user, comments.object_list)
    listing = foursquare_url(venue)
    links = list(venue.council.links.all())
    same_as = [url for url in (venue.website, listing) if url]
    context = {
        "title": venue.shown_name,
        "venue": venue,
        "council": venue.council,
        "kind": category_in_words(venue.category),
        "hours": hours,
        "offers": offers_in_words(venue=venue, resident=request.user),
        "rating": rating,
        "comments": comments,
        "foursquare_url": listing,
        "council_links": links,
        "page_url": page_url(venue),
        "card_url": card_url(venue),
        "description": share_description(venue),
        "place_json_ld": json_ld(
            place_data(venue=venue, hours=hours, rating=rating, same_as=same_as)
        ),
        "next_query": urlencode({"next": request.get_full_path()}),
        **standing,
    }
    # A form sent back with its errors is shown whoever sent it; a fresh one only to visitors.
    context["comment_form"] = comment_form or (
        CommentForm(author=request.user) if standing["may_comment"] else None
    )
    context["report_form"] = report_form
    context["reporting"] = reporting
    return context


@never_cache
@csrf_protect
@require_POST
def venue_comment_page(request, venue_id):
    """Rate and comment from the venue's page (residents with a recent check-in here)."""
    venue = _venue(request, venue_id)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('sign-in')}?{urlencode({'next': request.path})}")
    form = CommentForm(request.POST, author=request.user)
    if form.is_valid():
        try:
            comment = comment_create(
                author=request.user,
                venue=venue,
                body=form.cleaned_data["body"],
                rating=form.cleaned_data["rating"],
            )
        except ApplicationError as exc:
            fields = exc.extra.get("fields") or {"body": [exc.detail]}
            for name, field_errors in fields.items():
                for message in field_errors:
                    form.add_error(name if name in form.fields else None, message)
        else:
            messages.success(request, comment_thanks(comment))
            page = reverse("venue-page", args=[venue.pk])
            return HttpResponseRedirect(f"{page}#comment-{comment.pk}")
    context = _context(request, venue, comment_form=form)
    return render(request, TEMPLATE, context, status=400)


@never_cache
@csrf_protect
@require_POST
def comment_report_page(request, venue_id, comment_id):
    """Report a comment (residents who may comment here, once each)."""
    venue = _venue(request, venue_id)
    page = reverse("venue-page", args=[venue.pk])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('sign-in')}?{urlencode({'next': page})}")
    comment = (
        Comment.objects.select_related("venue")
        .filter(pk=comment_id, venue=venue, status=CommentStatus.VISIBLE)
        .first()
    )
    if comment is None:
        messages.info(request, _("This comment is no longer shown, so there is nothing to report."))
        return redirect(page)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            comment_report(
                comment=comment, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            form.add_error("reason", exc.detail)
        else:
            messages.success(
                request, _("Thank you. The venue's managers will look at the comment you reported.")
            )
            return redirect(page)
    context = _context(request, venue, report_form=form, reporting=comment.pk)
    return render(request, TEMPLATE, context, status=400)


@require_safe
@cache_control(public=True, max_age=86400)
def venue_card(request, venue_id):
    venue = _venue(request, venue_id)
    png = venue_card_png(
        name=venue.shown_name,
        council=venue.council.shown_name,
        kind=category_in_words(venue.category),
        tagline=_("Check in, collect rewards and see what visitors say"),
    )
    return HttpResponse(png, content_type="image/png")
