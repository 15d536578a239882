from django.urls import path

from accounts import views
from accounts.children import apis as children

urlpatterns = [
    path("auth/register/", views.RegisterApi.as_view(), name="auth-register"),
    path("auth/token/", views.TokenObtainApi.as_view(), name="auth-token"),
    path("auth/token/refresh/", views.TokenRefreshApi.as_view(), name="auth-token-refresh"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/export/", views.MeExportApi.as_view(), name="me-export"),
    path("me/children/", children.ChildListCreateApi.as_view(), name="me-children"),
    path("me/children/<uuid:child_id>/", children.ChildDetailApi.as_view(), name="me-child"),
    path(
        "me/email-preferences/",
        views.MeEmailPreferencesApi.as_view(),
        name="me-email-preferences",
    ),
]
