"""Signing in on the web: session and CSRF for same-origin pages (the back office, the staff
desk, the resident pages). The JSON API keeps JWT for the app."""
