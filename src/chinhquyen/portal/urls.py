from django.urls import path

from chinhquyen.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # Vietnamese paths: citizens read them aloud and type them.
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("thong-ke/thong-ke.csv", views.statistics_csv, name="statistics_csv"),
    path("co-quan/", views.agencies, name="agencies"),
]
