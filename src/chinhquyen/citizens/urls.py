from django.urls import path

from chinhquyen.citizens import views

app_name = "citizens"
urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", views.login_page, name="login"),
    path("dang-nhap/quoc-gia/", views.oidc_start, name="oidc_start"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("dang-nhap/ma/", views.code_request, name="code_request"),
    path("dang-nhap/nhap-ma/", views.code_entry, name="code_entry"),
    path("dang-xuat/", views.logout_page, name="logout"),
    path("ho-so/", views.profile_page, name="profile"),
]
