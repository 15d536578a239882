from django.urls import path

from rewards.desk.views import desk_page, undo_page

urlpatterns = [
    path("", desk_page, name="desk"),
    path("undo/<uuid:voucher_id>/", undo_page, name="desk-undo"),
]
