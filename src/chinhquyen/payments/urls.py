from django.urls import path

from chinhquyen.payments import views

app_name = "payments"
urlpatterns = [
    # Vietnamese paths: citizens read them aloud and type them.
    path("ho-so/<str:code>/", views.start, name="start"),
    path("ket-qua/", views.payment_return, name="return"),
    path("ipn/", views.ipn, name="ipn"),
    path("bien-lai/<str:reference>/", views.receipt, name="receipt"),
    path("bien-lai/<str:reference>/bien-lai.pdf", views.receipt_pdf, name="receipt_pdf"),
]
