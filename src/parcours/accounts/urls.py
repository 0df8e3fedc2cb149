from django.urls import path

from parcours.accounts import views

app_name = "accounts"

urlpatterns = [
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/keep-alive/", views.keep_alive, name="keep_alive"),
]
