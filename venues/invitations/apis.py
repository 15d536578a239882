"""The invitations API (API.md, "Invitations, activity and accounts"): invite, list the pending
ones, cancel, and (an addition) send again. Who may invite whom is the services' question
(`venues.access`, ``invitation.*``); the list shows a council's admins every pending
invitation and its managers those to their venues."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from venues import error_codes
from venues.access import Level, request_access
from venues.invitations.models import Invitation
from venues.invitations.selectors import invitations_pending
from venues.invitations.services import invitation_cancel, invitation_create, invitation_resend
from venues.models import Council, Role, Venue
from venues.scoping import CouncilScopedApi

ACCESS_ERRORS = (errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND)


class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.Kind.choices)
    venue = serializers.UUIDField(source="venue_id", allow_null=True)
    status = serializers.ChoiceField(choices=Invitation.Status.choices)
    sent_at = serializers.DateTimeField(help_text="When the latest email went.")
    expires_at = serializers.DateTimeField(help_text="Its link works until then.")


class InvitationScopedApi(CouncilScopedApi):
    """Every method needs a caller; what they may do is checked where it is done."""

    permission_classes = [IsAuthenticated]
    permission_by_method: dict = {}

    def requires_authentication(self, method: str) -> bool:
        return True

    def invitation(self, council: Council, invitation_id) -> Invitation:
        """The council's invitation named in the URL (404 when it is not one the caller may
        see, as a list would not show it)."""
        invitation = get_object_or_404(
            Invitation.objects.select_related("council", "venue"),
            pk=invitation_id,
            council=council,
        )
        if not request_access(self.request).may("invitation.view", invitation):
            raise errors.ApplicationError(errors.NOT_FOUND, gettext("No such invitation."))
        return invitation


class InvitationListApi(InvitationScopedApi, PaginatedListApi):
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        role = serializers.ChoiceField(choices=Role.Kind.choices)
        venue = serializers.UUIDField(
            required=False, allow_null=True, default=None, help_text="For the venue roles."
        )

    @extend_schema(
        operation_id="council_invitations_list",
        description="The council's pending invitations, newest first (its admins see all, "
        "a venue's managers those to their venue).",
        responses={200: InvitationOutputSerializer(many=True), **error_responses(*ACCESS_ERRORS)},
    )
    def get(self, request, council: Council):
        access = request_access(request)
        manages_here = council.venues.filter(pk__in=access.venue_ids(Level.VENUE_MANAGER))
        if access.level_at_council(council) < Level.COUNCIL_ADMIN and not manages_here.exists():
            self._deny(request)
        pending = invitations_pending(council=council, access=access)
        return self.paginated(pending, InvitationOutputSerializer)

    @extend_schema(
        operation_id="council_invitations_create",
        description="Invite an email address to a role of the council: council admins any "
        "role, a venue's managers its staff, superusers anyone. The person gets an email with "
        "a single-use link to `/invitations/{token}/`, valid 7 days "
        "(`INVITATION_VALID_DAYS`). Inviting someone again sends their open invitation again.",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: InvitationOutputSerializer,
            **error_responses(
                errors.INVALID,
                *ACCESS_ERRORS,
                error_codes.ROLE_EXISTS,
                error_codes.INVITATION_CLOSED,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request, council: Council):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        venue = None
        if data["venue"] is not None:
            venue = Venue.objects.filter(pk=data["venue"]).first()
            if venue is None:
                raise ValidationError({"venue": [gettext("No venue has this id.")]})
        invitation = invitation_create(
            council=council,
            venue=venue,
            role=data["role"],
            email=data["email"],
            invited_by=request.user,
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(InvitationScopedApi):
    @extend_schema(
        operation_id="council_invitations_cancel",
        description="Cancel an invitation: its link stops working. An accepted one is 409 "
        "`invitation_closed` (end the role instead).",
        responses={204: None, **error_responses(*ACCESS_ERRORS, error_codes.INVITATION_CLOSED)},
    )
    def delete(self, request, council: Council, invitation_id):
        invitation_cancel(invitation=self.invitation(council, invitation_id), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendApi(InvitationScopedApi):
    @extend_schema(
        operation_id="council_invitations_resend",
        description="Send an invitation again: a new link (the old one stops working), valid "
        "7 days from now. Accepted or cancelled: 409 `invitation_closed`.",
        request=None,
        responses={
            200: InvitationOutputSerializer,
            **error_responses(*ACCESS_ERRORS, error_codes.INVITATION_CLOSED),
        },
    )
    def post(self, request, council: Council, invitation_id):
        invitation = invitation_resend(
            invitation=self.invitation(council, invitation_id), by=request.user
        )
        return Response(InvitationOutputSerializer(invitation).data)
