from django.urls import path

from chinhquyen.core import views
from chinhquyen.portal import views as portal_views

app_name = "core"
urlpatterns = [
    # "/" is the public portal's home page (portal.urls is included before core.urls, so this
    # route never matches first); the name core:home stays for the links that use it.
    path("", portal_views.home, name="home"),
    path("backoffice/", views.backoffice, name="backoffice"),
    path("preferences/", views.preferences, name="preferences"),
]
