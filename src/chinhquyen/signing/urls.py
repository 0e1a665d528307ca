from django.urls import path

from chinhquyen.signing import views

app_name = "signing"

urlpatterns = [
    path("verify/", views.verify_upload, name="verify"),
]
