from django.urls import path

from parcours.notify import views

app_name = "notify"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<uuid:notification_pk>/", views.notification_open, name="open"),
    path("notifications/read/", views.notification_read_all, name="read_all"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("account/notifications/<slug:slug>/", views.project_defaults, name="project_defaults"),
]
