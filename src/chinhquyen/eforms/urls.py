from django.urls import path

from chinhquyen.eforms import views

app_name = "eforms"
urlpatterns = [
    path("", views.index, name="index"),
    path("ho-so-nhap/", views.drafts, name="drafts"),
    path("ho-so-nhap/<int:pk>/", views.draft_form, name="draft"),
    path("ho-so-nhap/<int:pk>/tu-dong-luu/", views.draft_autosave, name="autosave"),
    path("ho-so-nhap/<int:pk>/tep/", views.draft_files, name="files"),
    path("ho-so-nhap/<int:pk>/xem-lai/", views.draft_review, name="review"),
    path("ho-so-nhap/<int:pk>/xoa/", views.draft_delete, name="delete"),
    path("da-nop/<str:code>/", views.submitted, name="submitted"),
    path("quan-tri/", views.manage, name="manage"),
    path("quan-tri/ho-so/<str:code>/", views.submission_detail, name="submission"),
    path("quan-tri/<str:code>/", views.manage_procedure, name="manage_procedure"),
    path("quan-tri/<str:code>/dich-vu/", views.manage_service, name="manage_service"),
    path("quan-tri/bieu-mau/<int:pk>/cong-bo/", views.manage_publish, name="manage_publish"),
    path("<str:code>/", views.start, name="start"),
]
