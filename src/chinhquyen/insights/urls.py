from django.urls import path

from chinhquyen.insights import (
    views,
    views_alerts,
    views_drilldown,
    views_procedures,
    views_wall,
)

app_name = "insights"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("kpi/<slug:code>/", views.series_view, name="series"),
    path(
        "drilldown/<slug:code>/<slug:part>/",
        views_drilldown.drilldown_view,
        name="drilldown",
    ),
    path("procedures/", views_procedures.procedures_view, name="procedures"),
    path("wall/", views_wall.wall, name="wall"),
    path("alerts/", views_alerts.alerts_view, name="alerts"),
]
