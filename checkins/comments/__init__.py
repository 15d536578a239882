"""Comments on venues: writing, reporting and moderating them, and the blocked-word filter."""
