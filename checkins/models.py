"""Check-ins, attempts and comments arrive with issue 3."""
