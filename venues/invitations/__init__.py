"""Invitations to a role: a council admin (any role of their council), a venue manager (staff
of their venue) or a superuser invites an email address; the person follows a single-use
signed link, valid ``INVITATION_VALID_DAYS``, and accepts (making their account if they have
none). API: ``/api/v1/councils/<slug>/invitations/``; the link's page ``/invitations/<token>/``;
the back office's "Invitations"."""
