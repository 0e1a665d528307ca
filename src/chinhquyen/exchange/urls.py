from django.urls import path

from chinhquyen.exchange import views, views_clients

app_name = "exchange"

urlpatterns = [
    path("", views.operations, name="operations"),
    # The peer inbox protocol (connectors/peer.py); csrf-exempt, HMAC-authenticated.
    path("inbox/", views.inbox_endpoint, name="inbox"),
    path("outbox/", views.outbox_list, name="outbox"),
    path("outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    path("outbox/retry-dead/", views.outbox_retry_dead, name="outbox_retry_dead"),
    path("received/", views.inbox_list, name="inbox_messages"),
    path("received/<int:pk>/reprocess/", views.inbox_reprocess, name="inbox_reprocess"),
    # System accounts of the integration API (views_clients.py).
    path("clients/", views_clients.client_list, name="clients"),
    path("clients/new/", views_clients.client_new, name="client_new"),
    path("clients/<int:pk>/", views_clients.client_detail, name="client"),
    path("clients/<int:pk>/rotate/", views_clients.client_rotate, name="client_rotate"),
    path("clients/<int:pk>/enabled/", views_clients.client_enabled, name="client_enabled"),
    path(
        "clients/<int:pk>/secrets/<int:secret_pk>/revoke/",
        views_clients.secret_revoke,
        name="client_secret_revoke",
    ),
]
