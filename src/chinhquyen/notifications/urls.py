from django.urls import path

from chinhquyen.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.delivery_list, name="deliveries"),
    path("<int:pk>/retry/", views.delivery_retry, name="retry"),
]
