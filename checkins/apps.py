from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"
    verbose_name = "Check-ins and comments"

    def ready(self) -> None:
        from accounts import personal_data
        from checkins import personal_data as held

        personal_data.register("checkins", export=held.export_checkins, erase=held.erase_checkins)
        personal_data.register("refused_checkins", export=held.export_refused_checkins)
        personal_data.register("comments", export=held.export_comments)
        personal_data.register("comment_reports", export=held.export_comment_reports)
