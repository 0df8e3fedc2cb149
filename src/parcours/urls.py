from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from parcours.accounts.views import SignInView, choose_language
from parcours.cases import views as case_views
from parcours.pages.views import family_page, family_section

urlpatterns = [
    path("", case_views.home, name="home"),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", choose_language, name="set_language"),
    # The admin site signs in through the same two-factor page as everything else.
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
    ),
    path("admin/", admin.site.urls),
    path("", include("parcours.accounts.urls")),
    path("", include("parcours.sso.urls")),
    path("", include("parcours.privacy.urls")),
    # The family's file is made of several apps' panels (parcours.pages).
    path("cases/<uuid:pk>/", family_page, name="family"),
    path("cases/<uuid:pk>/sections/<slug:name>/", family_section, name="family_section"),
    path("", include("parcours.cases.urls")),
    path("", include("parcours.casework.urls")),
    path("", include("parcours.legal.urls")),
    path("", include("parcours.instruments.urls")),
    path("", include("parcours.reports.urls")),
    path("", include("parcours.rights.urls")),
    path("", include("parcours.network.urls")),
    path("", include("parcours.collect.urls")),
    path("", include("parcours.jobs.urls")),
    path("", include("parcours.notify.urls")),
    path("", include("parcours.api.urls")),
    path("", include("parcours.dashboard.urls")),
]
