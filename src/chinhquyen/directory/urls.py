from django.urls import path

from chinhquyen.directory import views

app_name = "directory"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("officials/", views.official_list, name="officials"),
    path("officials/<int:pk>/", views.official_detail, name="official"),
    path("units/", views.unit_browser, name="units"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
