from django.urls import path

from checkins.desk import views

urlpatterns = [
    path("check-in/", views.checkin_desk_page, name="desk-checkin"),
    path("screen/", views.screen_page, name="desk-screen"),
    path("screen/code/", views.screen_code_page, name="desk-screen-code"),
]
