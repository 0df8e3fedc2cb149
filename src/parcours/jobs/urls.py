from django.urls import path

from parcours.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/<uuid:job_pk>/", views.job_page, name="job"),
    path("jobs/<uuid:job_pk>/status/", views.job_status, name="status"),
    path("jobs/<uuid:job_pk>/download/", views.job_download, name="download"),
]
