"""The OAuth2 endpoints of the system accounts (django-oauth-toolkit): token, revoke,
introspect — no authorisation endpoint or application management pages (system clients are
created on the back-office pages, ``exchange:clients``)."""

from django.urls import path
from oauth2_provider import views

app_name = "oauth2_provider"

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="token"),
    path("revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
]
