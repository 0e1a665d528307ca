from django.urls import path

from chinhquyen.meetings import views

app_name = "meetings"
# Back office (mounted at /meetings/); the public calendar is in urls_public.py.
urlpatterns = [
    path("", views.week, name="week"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/endpoints/", views.booking_add, name="booking_add"),
    path(
        "entries/<int:pk>/endpoints/<int:booking_pk>/release/",
        views.booking_release,
        name="booking_release",
    ),
    path("entries/<int:pk>/<slug:action>/", views.entry_action, name="entry_action"),
    path("endpoints/", views.endpoints, name="endpoints"),
    path("endpoints/new/", views.endpoint_new, name="endpoint_new"),
    path("endpoints/availability/", views.availability, name="availability"),
    path("endpoints/<int:pk>/", views.endpoint, name="endpoint"),
    path("endpoints/<int:pk>/delete/", views.endpoint_delete, name="endpoint_delete"),
]
