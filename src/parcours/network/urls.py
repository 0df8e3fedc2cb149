from django.urls import path

from parcours.network import views

app_name = "network"

urlpatterns = [
    path("network/", views.network_page, name="pool"),
    path("network/export/<int:project_pk>/", views.export, name="export"),
]
