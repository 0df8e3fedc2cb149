from django.urls import path

from parcours.instruments import views

app_name = "instruments"

urlpatterns = [
    path("instruments/", views.versions_page, name="versions"),
    path("instruments/versions/<int:version_pk>/", views.version_page, name="version"),
    path("instruments/versions/<int:version_pk>/xform.xml", views.xform_download, name="xform"),
    path("instruments/import/", views.import_page, name="import"),
    path("cases/<uuid:pk>/instruments/<slug:code>/new/", views.start, name="start"),
    path("cases/<uuid:pk>/sheets/<uuid:response_pk>/", views.response_page, name="response"),
    path("cases/<uuid:pk>/sheets/<uuid:response_pk>/correct/", views.correct, name="correct"),
]
