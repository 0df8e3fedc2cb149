from django.urls import path

from parcours.privacy import views

app_name = "privacy"

urlpatterns = [path("privacy/register/", views.register_page, name="register")]
