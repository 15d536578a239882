from django.apps import AppConfig


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = "Offers, vouchers and the ledger"

    def ready(self) -> None:
        from accounts import profile
        from rewards.wallet import points_balance

        profile.register_points_balance(points_balance)
