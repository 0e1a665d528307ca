from django.urls import path

from chinhquyen.meetings import public

app_name = "meetings_public"
# Public portal, mounted at /lich-cong-tac/ (Vietnamese paths: read aloud and typed).
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.agency_week, name="agency"),
    path("<int:pk>/lich.ics", public.feed, name="feed"),
]
