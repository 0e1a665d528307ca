from django.urls import path

from chinhquyen.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("backoffice/", views.backoffice, name="backoffice"),
    path("preferences/", views.preferences, name="preferences"),
]
