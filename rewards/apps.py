from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "rewards"
    verbose_name = _("Offers, vouchers and the ledger")

    def ready(self) -> None:
        from accounts import personal_data, profile
        from rewards.schemes.receivers import connect as connect_scheme_receivers
        from rewards.schemes.selectors import points_balances
        from rewards.wallet.selectors import wallet_statement_export

        profile.register_points_balances(points_balances)
        connect_scheme_receivers()
        # The statement is the resident's own history: exported, never erased (the ledger is
        # append-only and holds no personal data beyond the wallet's name, a user id).
        personal_data.register("points_statement", export=wallet_statement_export)
