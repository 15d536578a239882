"""What residents and Foursquare say about a council's venues: the latest comments and each
venue's rating trend (``GET /api/v1/councils/{slug}/reputation/``, and the insight page)."""
