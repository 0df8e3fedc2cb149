from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from parcours.cases import views as case_views

urlpatterns = [
    path("", case_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("parcours.cases.urls")),
    path("", include("parcours.casework.urls")),
    path("", include("parcours.legal.urls")),
    path("", include("parcours.instruments.urls")),
    path("", include("parcours.reports.urls")),
]
