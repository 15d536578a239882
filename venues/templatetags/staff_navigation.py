"""``{% staff_navigation %}``: the staff header (venues.navigation) on the staff pages."""

from django import template

from venues.navigation import staff_places

register = template.Library()


@register.inclusion_tag("includes/staff_navigation.html", takes_context=True)
def staff_navigation(context):
    request = context.get("request")
    return {"places": staff_places(request) if request is not None else []}
