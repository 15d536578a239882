"""``/account/``: a signed-in person's own account: their name, their email (changed once the
new address confirms), their password, a download of everything held about them, and deleting
the account. The same services as the API's ``/me/`` (``user_export``, ``user_erase``)."""
