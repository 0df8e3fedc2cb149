from django.urls import path

from parcours.rights import views

app_name = "rights"

urlpatterns = [
    path("cases/<uuid:pk>/access-request/", views.access_request, name="access_request"),
    path("cases/<uuid:pk>/erase/", views.erase, name="erase"),
    path("retention/", views.retention_page, name="retention"),
]
