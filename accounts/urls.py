from django.urls import path

from accounts import apis
from accounts.children import apis as children

urlpatterns = [
    path("auth/register/", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", apis.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", apis.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("me/", apis.MeApi.as_view(), name="me"),
    path("me/export/", apis.MeExportApi.as_view(), name="me-export"),
    path("me/children/", children.ChildListCreateApi.as_view(), name="me-children"),
    path("me/children/<uuid:child_id>/", children.ChildDetailApi.as_view(), name="me-child"),
    path(
        "me/email-preferences/",
        apis.MeEmailPreferencesApi.as_view(),
        name="me-email-preferences",
    ),
]
