from django.urls import path

from chinhquyen.postal import callbacks, views

app_name = "postal"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/retry/", views.order_retry, name="retry"),
    path("pickup/new/", views.pickup_new, name="pickup_new"),
    path("callbacks/", callbacks.callback_endpoint, name="callbacks"),
]
