"""How the back office shows a value of its own making (here, where every app may import it)."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext


def yes_no_icon(value: bool | None) -> str:
    """Django's yes/no/unknown icon of a list's true-or-false column, with its text in the
    reader's language: Django's own (``boolean=True``) says "True" or "False" in every language.
    Use it in an ``@admin.display`` method in place of the field's name."""
    name, text = {
        True: ("yes", gettext("Yes")),
        False: ("no", gettext("No")),
        None: ("unknown", gettext("Unknown")),
    }[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)
