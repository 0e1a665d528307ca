from django.urls import path

from chinhquyen.appointments import views

app_name = "appointments"
urlpatterns = [
    # Citizens (Vietnamese paths: read aloud and typed).
    path("", views.index, name="index"),
    path("cua-toi/", views.my_tickets, name="my_tickets"),
    path("ve/<str:token>/", views.ticket, name="ticket"),
    path("ve/<str:token>/huy/", views.cancel, name="cancel"),
    path("bang/<int:agency_id>/", views.board, name="board"),
    path("thu-tuc/<str:code>/", views.choose_agency, name="choose_agency"),
    path("thu-tuc/<str:code>/<int:agency_id>/", views.book, name="book"),
    # Back office: counters and slot settings.
    path("quay/", views.counters, name="counters"),
    path("quay/<int:agency_id>/", views.counter, name="counter"),
    path("quay/<int:agency_id>/goi/", views.call_next, name="call_next"),
    path("quay/<int:agency_id>/boc-so/", views.walk_in, name="walk_in"),
    path("quay/<int:agency_id>/ve/<int:ticket_id>/", views.ticket_action, name="ticket_action"),
    path("cau-hinh/", views.settings_list, name="settings_list"),
    path("cau-hinh/<int:agency_id>/", views.settings_edit, name="settings_edit"),
]
