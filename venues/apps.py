from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VenuesConfig(AppConfig):
    name = "venues"
    verbose_name = _("Councils and venues")

    def ready(self) -> None:
        from accounts import personal_data
        from venues import checks  # noqa: F401 (registers the deploy checks)
        from venues.personal_data import (
            erase_roles,
            export_activity,
            export_invitations,
            export_roles,
        )

        personal_data.register("roles", export=export_roles, erase=erase_roles)
        personal_data.register("invitations", export=export_invitations)
        personal_data.register("activity", export=export_activity)
