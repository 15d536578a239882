"""Each operation's summary (the line a generated client and the docs list it by), and a
description for those whose view says nothing more. Keyed by ``operationId``; a test fails on an
operation without a summary, so a new endpoint gets its line here.

A view's own ``extend_schema(summary=..., description=...)`` or its own docstring wins over
this table; base classes' docstrings are never used as an operation's description.
"""

SUMMARIES: dict[str, str] = {
    # Accounts
    "auth_register": "Create a resident's account",
    "auth_token": "Sign in: an access and a refresh token",
    "auth_token_refresh": "Exchange a refresh token for a new pair",
    "me_retrieve": "The caller's account, points and roles",
    "me_erase": "Erase the caller's account (UK GDPR)",
    "me_export": "Everything held about the caller (UK GDPR)",
    "me_ledger_list": "The caller's points statement",
    "me_vouchers_list": "The caller's vouchers",
    "me_children_list": "The caller's children",
    "me_children_create": "Add a child to the caller's family",
    "me_children_retrieve": "One of the caller's children",
    "me_children_erase": "Remove a child and erase the child's data",
    "me_children_wallet": "A child's points, vouchers and statement",
    # Councils and venues
    "councils_list": "List councils",
    "councils_create": "Create a council",
    "councils_retrieve": "A council",
    "councils_foursquare_report": "How the council's venues stand on Foursquare",
    "council_members_list": "The council's role holders",
    "council_members_create": "Grant a role on the council or one of its venues",
    "council_members_revoke": "End a role",
    "council_reputation": "The council's latest comments and rating trends",
    "council_stats": "The council's figures over a range of days",
    "venues_list": "Find venues (near a point, by category, council or name)",
    "venues_create": "Register a venue",
    "venues_retrieve": "A venue",
    "venues_partial_update": "Change a venue",
    "venues_deactivate": "Deactivate a venue",
    "venues_foursquare_sync": "Sync the venue with Foursquare now",
    "venue_stats": "The venue's figures over a range of days",
    # Posters
    "venue_posters_list": "The venue's QR posters",
    "venue_posters_create": "Make a QR poster for the venue",
    "posters_png": "The printable poster as a PNG",
    "posters_pdf": "The printable poster as a PDF",
    "posters_revoke": "Revoke a poster",
    "qr_resolve": "The venue a poster's token belongs to",
    "qr_keys": "The public keys posters are signed with (JWKS)",
    # Check-ins and comments
    "checkins_list": "The caller's check-ins",
    "checkins_create": "Check in at a venue",
    "venue_checkins_list": "Check-ins at the venue",
    "venue_comments_list": "The venue's visible comments",
    "venue_comments_create": "Comment on a venue",
    "venue_comments_moderation": "Hidden and reported comments of the venue",
    "comments_delete": "Delete one's own comment",
    "comments_report": "Report a comment",
    "comments_hide": "Hide a comment",
    "comments_restore": "Restore a hidden comment",
    "comments_reply_create": "Reply to a comment for the venue",
    "comments_reply_update": "Change the venue's reply",
    "comments_reply_delete": "Take the venue's reply down",
    "me_comments_list": "The caller's own comments, hidden ones too",
    # Evidence, the desk and fraud review
    "checkins_assisted_create": "Check a resident in at the desk",
    "checkins_void": "Void a check-in found to be fraud",
    "venue_screen_code": "The desk screen's current code",
    "council_alerts_list": "Fraud alerts at the council's venues",
    "council_alerts_resolve": "Resolve a fraud alert",
    "venue_alerts_list": "Fraud alerts at the venue",
    "venue_alerts_resolve": "Resolve a fraud alert of the venue",
    "vouchers_undo_redeem": "Undo a redemption at the desk",
    # Invitations, activity and accounts
    "council_invitations_list": "Pending invitations to the council's roles",
    "council_invitations_create": "Invite someone to a role",
    "council_invitations_cancel": "Cancel an invitation",
    "council_invitations_resend": "Send an invitation again",
    "council_activity_list": "What staff changed in the council",
    "me_email_preferences_retrieve": "What the caller chose to get by email",
    "me_email_preferences_update": "Change what the caller gets by email",
    # Rewards
    "venue_offers_list": "The venue's live offers",
    "offers_create": "Create an offer",
    "offers_partial_update": "Change an offer",
    "catalog_list": "Items that cost points",
    "catalog_create": "Add an item to the catalog",
    "catalog_update": "Change a catalog item",
    "catalog_claim": "Spend points on an item",
    "vouchers_qr": "The voucher's code as a QR image",
    "vouchers_redeem": "Redeem a voucher at the desk",
    "webhooks_stripe": "Stripe's events (for Stripe only)",
}

DESCRIPTIONS: dict[str, str] = {
    "auth_register": (
        "A resident's account, signed in with its email. A taken email is `email_taken`; a weak "
        "password `invalid` with the reasons in `fields.password`."
    ),
    "auth_token": (
        "Signs in and starts a sign-in family: the refresh token rotates on each use. Wrong "
        "email or password is `invalid_credentials`; repeated failures from one place are "
        "paused (`throttled`)."
    ),
    "auth_token_refresh": (
        "Rotates the refresh token: the answer is a new access token and a new refresh token. "
        "The same refresh token sent again within `JWT_REFRESH_REUSE_GRACE_SECONDS` (30) gets "
        "the same pair again, so a retry after a lost answer is safe. Later it is `token_reused` "
        "and every refresh token of that sign-in is revoked. A token of an ended sign-in, an "
        "expired one, or one issued before the password changed is `not_authenticated`: sign in "
        "again."
    ),
    "me_retrieve": (
        "The caller's account, `points_balance` (the sum over schemes), the balance in each "
        "points scheme (`balances`, schemes addressed by UUID) and the roles held."
    ),
    "me_erase": (
        "Erases or pseudonymises the caller's personal data (UK GDPR art. 17); the ledger's "
        "totals are unchanged. The account can no longer sign in."
    ),
    "me_export": "Everything held about the caller, as JSON (UK GDPR subject access).",
    "me_children_list": (
        "The caller's children (added by them: accounts that never sign in), oldest first, "
        "each with the member code staff type at the desk."
    ),
    "me_children_create": (
        "Adds a child (`first_name`, `birth_year`: under 18) to the caller's family: the child "
        "gets an account of their own that never signs in, and a member code. Only a resident "
        "certainly 18 or over may (`not_an_adult`)."
    ),
    "me_children_retrieve": "One of the caller's children; another's is `not_found`.",
    "me_children_erase": (
        "Removes the child from the family and erases the child's data as account erasure "
        "does; the ledger's totals are unchanged."
    ),
    "checkins_list": "The caller's own check-ins, newest first.",
    "checkins_create": (
        "A GPS check-in sends `venue` with the fix (`latitude`, `longitude`, `accuracy_m`); a "
        "poster check-in sends `qr_token` (and the fix when the phone has one, which is then "
        "held to the geofence too). Each refusal has its code; `outside_geofence` carries "
        "`distance_m` and `cooldown` carries `retry_after` (seconds). Send an `Idempotency-Key` "
        "so a retry after a lost answer replays it."
    ),
    "councils_list": "Every council, by name.",
    "councils_create": "Superusers only: a council, addressed by its slug.",
    "councils_retrieve": "A council, by its slug.",
    "council_members_list": "Who holds which role on the council and its venues.",
    "council_members_create": (
        "Grants a role to an existing account: `council_admin`, or `venue_manager` / "
        "`venue_staff` of one of the council's venues (`venue` required)."
    ),
    "council_members_revoke": "Ends a role; the account stays.",
    "venues_list": (
        "Active venues. With `near=<lat>,<lng>` (and `radius` in metres) they come nearest first "
        "with `distance_m`, the WGS-84 geodesic distance."
    ),
    "venues_create": (
        "Council admins: a venue of their council. Without coordinates the address is geocoded "
        "(`geocoding_failed` when it cannot be)."
    ),
    "venues_retrieve": "A venue, with its Foursquare link's state.",
    "venues_partial_update": "Managers change a venue; a linked venue's sync follows the change.",
    "venue_posters_list": "The venue's posters, newest first, revoked ones included.",
    "venue_posters_create": (
        "A poster with a signed token (`url` is what the QR encodes) and a fallback `code` "
        "printed under it (`XXXX-XXXX`)."
    ),
    "posters_revoke": "Check-ins with the poster's token are refused (`revoked_qr`) from now on.",
    "qr_resolve": (
        "The venue and poster a token names: what the app shows before checking in. A bad token "
        "is `invalid_qr`, a revoked poster's `revoked_qr`."
    ),
    "catalog_create": "Managers (their venue) or council admins (the council): an item to claim.",
    "catalog_update": "Change a catalog item (title, cost, stock, validity, active).",
    "offers_create": (
        "Managers (their venue) or council admins (the council): what check-ins earn, by rule "
        "(`every_checkin`, `first_checkin`, `nth_checkin`, `frequency`), with caps and a "
        "schedule."
    ),
    "offers_partial_update": "Change an offer; the caps already reached still hold.",
}

# The tags operations are grouped by (drf-spectacular takes each from its path), described.
TAGS: dict[str, str] = {
    "auth": "Accounts: registration, signing in and refreshing tokens.",
    "me": "The caller's own account, points, vouchers and personal data.",
    "councils": "Councils, their role holders, figures and reputation.",
    "venues": "Venues: search, registration, posters, check-ins, comments, offers and figures.",
    "posters": "Printable QR posters.",
    "qr": "What a poster's token names, and the keys posters are signed with.",
    "checkins": "Checking in at a venue.",
    "comments": "Comments: reporting and moderation.",
    "offers": "What check-ins earn.",
    "catalog": "Items bought with points.",
    "vouchers": "Vouchers: their QR and redemption at the desk.",
    "webhooks": "Calls from other services (Stripe).",
}
