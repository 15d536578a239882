"""The family pages (see the package's docstring)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe


@require_safe
def children_privacy_page(request):
    """The children's privacy notice, in words a child (and their parent) understands."""
    return render(
        request, "residents/family/children_privacy.html", {"title": _("Children's privacy")}
    )
