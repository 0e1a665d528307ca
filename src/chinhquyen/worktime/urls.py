from django.urls import path

from chinhquyen.worktime import views

app_name = "worktime"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("exceptions/add/", views.add_exception_view, name="add_exception"),
    path("exceptions/<int:pk>/remove/", views.remove_exception_view, name="remove_exception"),
    path("hours/add/", views.add_hours_view, name="add_hours"),
]
