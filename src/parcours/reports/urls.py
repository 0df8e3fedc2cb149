from django.urls import path

from parcours.reports import views

app_name = "reports"

urlpatterns = [path("reports/", views.report, name="cohort")]
