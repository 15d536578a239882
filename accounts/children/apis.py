"""A family's children over HTTP: ``/api/v1/me/children/`` (their wallets: rewards.wallet)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import error_codes
from accounts.children.selectors import child_of, children_of
from accounts.children.services import child_add, child_remove
from accounts.member_codes import member_code_display
from backend import errors
from backend.openapi import error_responses
from backend.pagination import PaginatedListApi


class ChildOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField(source="display_name")
    birth_year = serializers.IntegerField()
    member_code = serializers.SerializerMethodField(
        help_text="The child's card number (XXXX-XXXX): staff at the desk check them in with it."
    )

    def get_member_code(self, child) -> str:
        return member_code_display(child.member_code.code)


class ChildListCreateApi(PaginatedListApi):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        first_name = serializers.CharField(max_length=60)
        birth_year = serializers.IntegerField(
            min_value=1800, max_value=2200, help_text="The child's year of birth (under 18)."
        )

    @extend_schema(
        operation_id="me_children_list",
        responses={
            200: ChildOutputSerializer(many=True),
            **error_responses(errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        return self.paginated(children_of(parent=request.user), ChildOutputSerializer)

    @extend_schema(
        operation_id="me_children_create",
        request=InputSerializer,
        responses={
            201: ChildOutputSerializer,
            **error_responses(errors.INVALID, errors.NOT_AUTHENTICATED, error_codes.NOT_AN_ADULT),
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child = child_add(parent=request.user, **serializer.validated_data)
        child = child_of(parent=request.user, child_id=child.pk)
        return Response(ChildOutputSerializer(child).data, status=status.HTTP_201_CREATED)


class ChildDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_children_retrieve",
        responses={
            200: ChildOutputSerializer,
            **error_responses(errors.NOT_AUTHENTICATED, errors.NOT_FOUND),
        },
    )
    def get(self, request, child_id):
        return Response(
            ChildOutputSerializer(child_of(parent=request.user, child_id=child_id)).data
        )

    @extend_schema(
        operation_id="me_children_erase",
        responses={204: None, **error_responses(errors.NOT_AUTHENTICATED, errors.NOT_FOUND)},
    )
    def delete(self, request, child_id):
        child_remove(child=child_of(parent=request.user, child_id=child_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
