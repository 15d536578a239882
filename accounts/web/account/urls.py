from django.urls import path

from accounts.web import birth_year
from accounts.web.account import views

urlpatterns = [
    path("", views.account_page, name="account"),
    path("email/", views.email_change_page, name="account-email"),
    path("email/confirm/<str:token>/", views.email_confirm_page, name="account-email-confirm"),
    path("password/", views.PasswordChangeView.as_view(), name="account-password"),
    path("download/", views.download_data, name="account-download"),
    path("delete/", views.delete_page, name="account-delete"),
    path("birth-year/", birth_year.birth_year_page, name="account-birth-year"),
]
