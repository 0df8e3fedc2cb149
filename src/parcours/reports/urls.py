from django.urls import path

from parcours.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report, name="cohort"),
    path("reports/barriers/", views.barriers, name="barriers"),
    path("reports/rounds/", views.rounds, name="rounds"),
    path("reports/rounds/<int:round_pk>/delete/", views.round_delete, name="round_delete"),
    path("reports/sheets/", views.sheets, name="sheets"),
    path("reports/sheets/<uuid:response_pk>/", views.sheet, name="sheet"),
    path(
        "reports/sheets/<uuid:response_pk>/<slug:code>/release/",
        views.sheet_release,
        name="sheet_release",
    ),
]
