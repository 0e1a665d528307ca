from django.urls import path

from chinhquyen.tracking import views

app_name = "tracking"

urlpatterns = [
    path("", views.lookup_view, name="lookup"),
    path("ho-so-cua-toi/", views.my_dossiers_view, name="my_dossiers"),
    path("ho-so-cua-toi/<int:pk>/", views.my_dossier_view, name="my_dossier"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/", views.supplement_view, name="supplement"),
    path("ho-so-cua-toi/<int:pk>/ket-qua/", views.result_view, name="result"),
    path("ho-so-cua-toi/<int:pk>/danh-gia/", views.rate_view, name="rate"),
    # Last: the code printed in the QR code of the slips (letters, digits, dots, dashes).
    path("<str:code>/", views.lookup_view, name="lookup_code"),
]
