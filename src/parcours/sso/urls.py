from django.urls import path

from parcours.sso import views

app_name = "sso"

urlpatterns = [
    path("oidc/start/", views.start, name="start"),
    path("oidc/callback/", views.callback, name="callback"),
    path("oidc/code/", views.code, name="code"),
    path("oidc/backchannel-logout/", views.backchannel_logout, name="backchannel_logout"),
    path("oidc/sign-out/", views.sign_out, name="sign_out"),
]
