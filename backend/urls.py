from django.contrib import admin
from django.urls import include, path

from backend import health, home, legal, metrics

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("venues.urls")),
    path("", include("venues.invitations.urls")),
    path("", include("venues.activity.urls")),
    path("", include("venues.foursquare.urls")),
    path("", include("venues.posters.urls")),
    path("", include("venues.screens.urls")),
    path("", include("checkins.urls")),
    path("", include("checkins.alerts.urls")),
    path("", include("checkins.comments.urls")),
    path("", include("insight.stats.urls")),
    path("", include("insight.reputation.urls")),
    path("", include("rewards.urls")),
]

urlpatterns = [
    path("", home.home_page, name="home"),
    path("favicon.ico", home.favicon, name="favicon"),
    path("privacy/", legal.privacy_page, name="privacy"),
    path("cookies/", legal.cookies_page, name="cookies"),
    path("accessibility/", legal.accessibility_page, name="accessibility"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # POST /i18n/setlang/ {language, next}: the language switch of every page (base.html)
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.web.urls")),
    path("account/", include("accounts.web.account.urls")),
    path("invitations/", include("venues.invitations.web.urls")),
    path("desk/", include("rewards.desk.urls")),
    path("desk/", include("checkins.desk.urls")),
    path("insight/", include("insight.urls")),
    path("digest/", include("insight.digest.urls")),
    path("api/", include("api_docs.urls")),
    path("api/v1/", include(api_v1)),
    path("", include("residents.urls")),
]

handler400 = "backend.error_pages.bad_request_view"
handler403 = "backend.error_pages.permission_denied_view"
handler404 = "backend.error_pages.not_found_view"
handler500 = "backend.error_pages.server_error_view"
