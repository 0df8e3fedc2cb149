from django.urls import path

from parcours.collect import views

app_name = "collect"

urlpatterns = [
    path("account/phones/", views.devices, name="devices"),
    path("account/phones/<int:device_pk>/revoke/", views.revoke, name="revoke"),
    # OpenRosa (ODK Collect and Enketo add /formList and /submission to the server address).
    path("collect/<slug:project>/formList", views.form_list, name="form_list"),
    path("collect/<slug:project>/forms/<slug:code>/form.xml", views.form, name="form"),
    path("collect/<slug:project>/forms/<slug:code>/manifest", views.manifest, name="manifest"),
    path("collect/<slug:project>/caseload.csv", views.caseload, name="caseload"),
    path("collect/<slug:project>/submission", views.submission, name="submission"),
]
