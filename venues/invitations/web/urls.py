from django.urls import path

from venues.invitations.web import views

urlpatterns = [path("<str:token>/", views.invitation_page, name="invitation")]
