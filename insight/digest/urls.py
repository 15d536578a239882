from django.urls import path

from insight.digest import views

urlpatterns = [
    path("", views.settings_page, name="digest-settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="digest-unsubscribe"),
]
