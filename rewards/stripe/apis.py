"""Stripe's webhook: verified by its signature, each event acted on once."""

import logging

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.errors import ApplicationError
from backend.openapi import error_responses
from rewards import error_codes
from rewards.stripe.client import InvalidWebhook, StripeNotConfigured, webhook_event
from rewards.stripe.webhooks import stripe_event_record

logger = logging.getLogger(__name__)


class StripeWebhookApi(APIView):
    # Stripe authenticates by the signature, not a user; it retries on its own schedule, so no
    # throttle may drop a delivery.
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    class OutputSerializer(serializers.Serializer):
        received = serializers.BooleanField()
        outcome = serializers.CharField(
            help_text="What was done, e.g. `redeemed 1 voucher(s)` or `duplicate: ...`."
        )

    @extend_schema(
        operation_id="webhooks_stripe",
        description=(
            "Stripe's events, verified by the `Stripe-Signature` header against "
            "STRIPE_WEBHOOK_SECRET; each event id is acted on once. A paid "
            "`checkout.session.completed` (or `checkout.session.async_payment_succeeded`) with "
            "a voucher's promotion code among its `discounts` redeems the voucher; the endpoint "
            "must be on API version 2025-01-27 or later."
        ),
        request={"application/json": {"type": "object"}},
        parameters=[
            OpenApiParameter("Stripe-Signature", str, OpenApiParameter.HEADER, required=True)
        ],
        responses={
            200: OutputSerializer,
            **error_responses(error_codes.INVALID_SIGNATURE, errors.SERVICE_UNAVAILABLE),
        },
    )
    def post(self, request):
        # The raw bytes: the signature covers them exactly, so the body is never parsed first.
        payload = request.body
        try:
            event = webhook_event(
                payload=payload, signature=request.headers.get("Stripe-Signature")
            )
        except StripeNotConfigured as exc:
            logger.error("A Stripe webhook arrived but %s", exc)
            raise ApplicationError(errors.SERVICE_UNAVAILABLE, str(exc)) from exc
        except InvalidWebhook as exc:
            raise ApplicationError(
                error_codes.INVALID_SIGNATURE, gettext("The Stripe-Signature does not verify.")
            ) from exc
        outcome = stripe_event_record(event=event)
        described = event if isinstance(event, dict) else {}
        logger.info("Stripe event %s (%s): %s", described.get("id"), described.get("type"), outcome)
        return Response({"received": True, "outcome": outcome})
