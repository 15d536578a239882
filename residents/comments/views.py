"""``/me/comments/``: a resident's own comments, each with its status, why it was hidden (only
its author sees that), the venue's reply, and a way to delete it; and whether they are emailed
when a venue replies (accounts.preferences; the account page will carry the same control).
The same services as ``GET /api/v1/me/comments/`` and ``DELETE /api/v1/comments/{id}/``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts.preferences import email_preferences_of, email_preferences_update
from checkins.comments.selectors import comments_of_author
from checkins.comments.services import comment_delete, hidden_reason_shown
from residents.comments.forms import ReplyEmailsForm

COMMENTS_PER_PAGE = 20


@never_cache
@csrf_protect
@login_required
def my_comments_page(request):
    page = Paginator(comments_of_author(author=request.user), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for comment in page.object_list:
        comment.reason_shown = hidden_reason_shown(comment)
    preferences = email_preferences_of(request.user)
    context = {
        "title": _("Your comments"),
        "comments": page,
        "email_form": ReplyEmailsForm(
            initial={"wants_reply_emails": preferences.wants_reply_emails}
        ),
    }
    return render(request, "residents/my_comments.html", context)


@never_cache
@csrf_protect
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_comment_delete_page(request, comment_id):
    """Asks first (GET), then deletes (POST): a comment deleted is gone for good."""
    comment = comments_of_author(author=request.user).filter(pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment of yours.")
    if request.method == "POST":
        comment_delete(comment=comment, by=request.user)
        messages.success(request, _("Your comment is deleted."))
        return redirect("my-comments")
    context = {"title": _("Delete your comment?"), "comment": comment}
    return render(request, "residents/my_comment_delete.html", context)


@never_cache
@csrf_protect
@login_required
@require_POST
def my_reply_emails_page(request):
    form = ReplyEmailsForm(request.POST)
    if form.is_valid():
        wanted = form.cleaned_data["wants_reply_emails"]
        email_preferences_update(user=request.user, wants_reply_emails=wanted)
        messages.success(
            request,
            _("We will email you when a venue replies to your comment.")
            if wanted
            else _("We will not email you when a venue replies to your comment."),
        )
    # The same choice is offered on /account/, which the person returns to.
    return redirect("account" if request.POST.get("from") == "account" else "my-comments")
