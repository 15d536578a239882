from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = _("Check-ins and comments")

    def ready(self) -> None:
        from accounts import personal_data
        from checkins import personal_data as held
        from checkins.selectors import visits_at_venue
        from rewards.offers import progress

        progress.register_visit_counter(visits_at_venue)

        personal_data.register("checkins", export=held.export_checkins, erase=held.erase_checkins)
        personal_data.register("refused_checkins", export=held.export_refused_checkins)
        personal_data.register("comments", export=held.export_comments)
        personal_data.register("comment_reports", export=held.export_comment_reports)
        personal_data.register("comment_replies_written", export=held.export_comment_replies)
