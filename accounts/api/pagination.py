from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from accounts.api.problems import InvalidParameter

INVALID_CURSOR = "is not a cursor of this list: follow the `next` and `previous` links."


class StableCursorPagination(CursorPagination):
    """Cursor pages in id order: stable while an ERP pages through and rows are added.

    A cursor is opaque, but a client can send any text as one: one that does not decode, or
    whose position is not a value of the ordering field, is a 400 naming ``cursor`` (DRF
    answers the first with a 404 and the second with a server error)."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise InvalidParameter({self.cursor_query_param: [INVALID_CURSOR]}) from error

    def paginate_queryset(self, queryset, request, view=None):
        # The page's filter on the cursor's position is built here: a position of another
        # type than the ordering field fails as it is converted, before any query runs.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (TypeError, ValueError, DjangoValidationError) as error:
            raise InvalidParameter({self.cursor_query_param: [INVALID_CURSOR]}) from error
