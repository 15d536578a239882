"""Stripe: the client (the project's only ``import stripe``), the promotion-code outbox, and the
webhook that redeems vouchers used at a Stripe checkout."""
