"""Fraud review: alerts raised by signals across check-ins, for a person to judge."""
