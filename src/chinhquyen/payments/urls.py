from django.urls import path

from chinhquyen.payments import views, views_reconciliation

app_name = "payments"
urlpatterns = [
    # Vietnamese paths: citizens read them aloud and type them.
    path("ho-so/<str:code>/", views.start, name="start"),
    path("ket-qua/", views.payment_return, name="return"),
    path("ipn/", views.ipn, name="ipn"),
    path("bien-lai/<str:reference>/", views.receipt, name="receipt"),
    path("bien-lai/<str:reference>/bien-lai.pdf", views.receipt_pdf, name="receipt_pdf"),
    # Reconciliation with the gateway (back office, payments/views_reconciliation.py).
    path("doi-soat/", views_reconciliation.run_list, name="reconciliation"),
    path("doi-soat/chay/", views_reconciliation.run_now, name="reconciliation_run_now"),
    path("doi-soat/<int:pk>/", views_reconciliation.run_detail, name="reconciliation_run"),
    path("doi-soat/dong/<int:pk>/", views_reconciliation.line_review, name="reconciliation_review"),
]
