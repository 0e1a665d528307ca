from django.urls import path

from chinhquyen.infrastructure import views

app_name = "infrastructure"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_list, name="year"),
    path("<int:year>/agency/<int:organisation_id>/", views.inventory_edit, name="inventory"),
    path(
        "<int:year>/agency/<int:organisation_id>/submit/",
        views.inventory_submit,
        name="inventory_submit",
    ),
    path(
        "<int:year>/agency/<int:organisation_id>/reopen/",
        views.inventory_reopen,
        name="inventory_reopen",
    ),
    path("<int:year>/lock/", views.year_lock, name="year_lock"),
    path("<int:year>/import/", views.import_view, name="import"),
    path("<int:year>/template.xlsx", views.import_template, name="template"),
    path("<int:year>/export.xlsx", views.export, name="export"),
    path("report/", views.report_index, name="report_index"),
    path("<int:year>/report/", views.report, name="report"),
    path("<int:year>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("<int:year>/report.pdf", views.report_pdf, name="report_pdf"),
    path("servers/", views.servers, name="servers"),
    path("servers/new/", views.server_edit, name="server_new"),
    path("servers/<int:pk>/", views.server_edit, name="server_edit"),
    path("servers/<int:pk>/outage/", views.server_outage, name="outage"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<int:pk>/", views.service_edit, name="service_edit"),
]
