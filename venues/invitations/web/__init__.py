"""The invitation link's page, ``/invitations/<token>/``."""
