from django.urls import path

from residents import well_known
from residents.comments import views as comments
from residents.family import views as family
from residents.posters import views as posters
from residents.venues import views as venues
from residents.wallet import views as wallet

urlpatterns = [
    path("q/", posters.poster_code_page, name="poster-code"),
    path("q/<str:token>", posters.poster_page, name="poster-landing"),
    path("q/<str:token>/comment", posters.comment_page, name="poster-comment"),
    path("v/<uuid:venue_id>/", venues.venue_page, name="venue-page"),
    path("v/<uuid:venue_id>/card.png", venues.venue_card, name="venue-card"),
    path("v/<uuid:venue_id>/comment", venues.venue_comment_page, name="venue-comment"),
    path(
        "v/<uuid:venue_id>/comments/<uuid:comment_id>/report",
        venues.comment_report_page,
        name="venue-comment-report",
    ),
    path("children/privacy/", family.children_privacy_page, name="children-privacy"),
    path("family/", family.family_page, name="family"),
    path("family/<uuid:child_id>/", family.child_page, name="family-child"),
    path("family/<uuid:child_id>/card/", family.child_card_page, name="family-child-card"),
    path("family/<uuid:child_id>/download/", family.child_download, name="family-child-download"),
    path("family/<uuid:child_id>/remove/", family.child_remove_page, name="family-child-remove"),
    path(
        "family/<uuid:child_id>/claim/<uuid:item_id>/",
        family.child_claim_page,
        name="family-child-claim",
    ),
    path("me/comments/", comments.my_comments_page, name="my-comments"),
    path(
        "me/comments/<uuid:comment_id>/delete",
        comments.my_comment_delete_page,
        name="my-comment-delete",
    ),
    path("me/comments/emails", comments.my_reply_emails_page, name="my-reply-emails"),
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
