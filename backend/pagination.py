from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.views import APIView


class PageNumberPagination(pagination.PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page_size=`` up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100


def paginated_response(view, items, serializer_class) -> Response:
    """One page of ``items`` in the list envelope, paginated as ``view.pagination_class`` says
    (declared on the view so that the schema shows the envelope too)."""
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(items, view.request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


# Base of every list endpoint: declares the pagination (so the schema shows the envelope) and
# answers one page with ``self.paginated(items, OutputSerializer)``. (A comment, not a docstring:
# drf-spectacular would give an inherited docstring to every view as its description.)
class PaginatedListApi(APIView):
    pagination_class = PageNumberPagination

    def paginated(self, items, serializer_class) -> Response:
        return paginated_response(self, items, serializer_class)
