from django.urls import path

from rewards.desk.views import desk_page

urlpatterns = [path("", desk_page, name="desk")]
