from django.urls import path

from chinhquyen.exchange import views

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
]
