from django.urls import path

from residents import well_known
from residents.posters import views as posters
from residents.wallet import views as wallet

urlpatterns = [
    path("q/", posters.poster_code_page, name="poster-code"),
    path("q/<str:token>", posters.poster_page, name="poster-landing"),
    path("q/<str:token>/comment", posters.comment_page, name="poster-comment"),
    path("wallet/", wallet.wallet_page, name="wallet"),
    path("wallet/card/", wallet.member_card_page, name="member-card"),
    path("wallet/card/new/", wallet.member_card_replace_page, name="member-card-replace"),
    path("wallet/claim/<uuid:item_id>/", wallet.claim_page, name="wallet-claim"),
    path(
        ".well-known/apple-app-site-association",
        well_known.apple_app_site_association,
        name="apple-app-site-association",
    ),
    path(".well-known/assetlinks.json", well_known.assetlinks, name="assetlinks"),
]
