from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page_size=`` up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        """``?page_size=`` as the schema states it: an integer from 1 to 100 (anything else,
        ``0`` or ``null`` included, is 400 rather than quietly the default)."""
        return self._bounded(request, self.page_size_query_param, self.page_size, 1, 100)

    def paginate_queryset(self, queryset, request, view=None):
        self._bounded(request, self.page_query_param, 1, 1, None)
        return super().paginate_queryset(queryset, request, view)

    @staticmethod
    def _bounded(request, name: str, default: int, low: int, high: int | None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            if high is not None:
                message = gettext("Must be an integer from %(low)s to %(high)s.")
            else:
                message = gettext("Must be an integer of at least %(low)s.")
            raise ValidationError({name: [message % {"low": low, "high": high}]})
        return value

    def get_paginated_response_schema(self, schema):
        """DRF's envelope, every field required (always sent) and the links' null in OpenAPI
        3.1's words (DRF writes 3.0's ``nullable``)."""
        envelope = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            envelope["properties"][link] = {
                "type": ["string", "null"],
                "format": "uri",
                "example": envelope["properties"][link].get("example"),
            }
        envelope["required"] = ["count", "next", "previous", "results"]
        return envelope

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", **bounds.get(parameter["name"], {})}
        return parameters


def paginated_response(view, items, serializer_class, *, context_for=None) -> Response:
    """One page of ``items`` in the list envelope, paginated as ``view.pagination_class`` says
    (declared on the view so that the schema shows the envelope too). ``context_for(page)``,
    when given, makes the serializer's context from the page's items (one read for them all)."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(items, view.request, view=view)
    context = context_for(page) if context_for else {}
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)


# Base of every list endpoint: declares the pagination (so the schema shows the envelope) and
# answers one page with ``self.paginated(items, OutputSerializer)``. (A comment, not a docstring:
# drf-spectacular would give an inherited docstring to every view as its description.)
class PaginatedListApi(APIView):
    pagination_class = PageNumberPagination

    def paginated(self, items, serializer_class, *, context_for=None) -> Response:
        return paginated_response(self, items, serializer_class, context_for=context_for)
