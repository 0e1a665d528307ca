from django.urls import path

from chinhquyen.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("templates/<int:pk>/", views.component_template, name="component_template"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.procedure_create, name="create"),
    path("manage/import/", views.import_view, name="import"),
    path("manage/export.xlsx", views.export_view, name="export"),
    path("manage/versions/<int:pk>/", views.version_edit, name="version_edit"),
    path("manage/versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path(
        "manage/versions/<int:version_pk>/components/new/",
        views.component_edit,
        name="component_add",
    ),
    path(
        "manage/versions/<int:version_pk>/components/<int:pk>/",
        views.component_edit,
        name="component_edit",
    ),
    path("manage/versions/<int:version_pk>/fees/new/", views.fee_edit, name="fee_add"),
    path("manage/versions/<int:version_pk>/fees/<int:pk>/", views.fee_edit, name="fee_edit"),
    path("manage/processes/<int:pk>/", views.process_edit, name="process_edit"),
    path(
        "manage/processes/<int:pk>/new-version/",
        views.process_new_version,
        name="process_new_version",
    ),
    path("manage/processes/<int:pk>/steps/", views.step_add, name="step_add"),
    path("manage/processes/<int:pk>/transitions/", views.transition_set, name="transition_set"),
    path("manage/processes/<int:pk>/publish/", views.process_publish, name="process_publish"),
    path("manage/steps/<int:pk>/", views.step_edit, name="step_edit"),
    path("manage/transitions/<int:pk>/remove/", views.transition_remove, name="transition_remove"),
    path("manage/<str:code>/", views.procedure_manage, name="manage_procedure"),
    path("manage/<str:code>/new-version/", views.version_new, name="version_new"),
    path("manage/<str:code>/processes/new/", views.process_new, name="process_new"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/v<int:number>/", views.version_detail, name="version"),
]
