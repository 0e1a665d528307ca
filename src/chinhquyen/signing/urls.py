from django.urls import path

from chinhquyen.signing import views, views_registry

app_name = "signing"

urlpatterns = [
    path("verify/", views.verify_upload, name="verify"),
    path("certificates/", views_registry.certificate_list, name="certificates"),
    path("certificates/add/", views_registry.certificate_add, name="certificate_add"),
    path("certificates/counts/", views_registry.certificate_counts_view, name="counts"),
    path("certificates/<int:pk>/", views_registry.certificate_detail, name="certificate"),
    path(
        "certificates/<int:pk>/check/",
        views_registry.certificate_check,
        name="certificate_check",
    ),
    path("notifications/", views_registry.notifications_view, name="notifications"),
    path(
        "dossiers/<int:pk>/verify/<str:target>/",
        views_registry.verify_dossier_file,
        name="verify_dossier_file",
    ),
]
