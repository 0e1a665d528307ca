from django.urls import path

from chinhquyen.dossiers import views, views_results, views_slips, views_transfer

app_name = "dossiers"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("receive/", views.intake_view, name="intake"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/act/", views.act_view, name="act"),
    path("<int:pk>/transfer/", views_transfer.transfer_view, name="transfer"),
    path("<int:pk>/result/", views.result_file_view, name="result_file"),
    path("<int:pk>/payments/<int:payment_pk>/", views.pay_view, name="pay"),
    path("<int:pk>/evaluate/", views.evaluate_view, name="evaluate"),
    path("<int:pk>/slips/<slug:kind>/", views_slips.dossier_slip_view, name="slip"),
    path("slips/register/", views_slips.register_view, name="slip_register"),
    path("results/to-sign/", views_results.results_to_sign_view, name="results_to_sign"),
]
