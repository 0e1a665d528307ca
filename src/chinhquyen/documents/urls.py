from django.urls import path

from chinhquyen.documents import views

app_name = "documents"
# Each area adds its routes here (views_<area>.py); keep names stable, other apps link to them.
urlpatterns = [
    path("incoming/", views.incoming_list, name="incoming_list"),
    path("incoming/<int:pk>/", views.incoming, name="incoming"),
    path("outgoing/", views.outgoing_list, name="outgoing_list"),
    path("outgoing/<int:pk>/", views.outgoing, name="outgoing"),
]
