from django.urls import path

from parcours.legal import views

app_name = "legal"

family = "cases/<uuid:pk>/dossier/"

urlpatterns = [
    path("deadlines/", views.deadline_rules, name="deadline_rules"),
    path("deadlines/new/", views.deadline_rule_edit, name="deadline_rule_create"),
    path("deadlines/<int:rule_pk>/", views.deadline_rule_edit, name="deadline_rule_edit"),
    path(
        "deadlines/<int:rule_pk>/project/",
        views.deadline_override_edit,
        name="deadline_override_create",
    ),
    path(
        "deadlines/<int:rule_pk>/project/<int:override_pk>/",
        views.deadline_override_edit,
        name="deadline_override_edit",
    ),
    path(family, views.dossier, name="dossier"),
    path(family + "pdf/", views.dossier_pdf, name="pdf"),
    path(family + "import/", views.history_import, name="import"),
    path(family + "events/new/", views.event_create, name="event_create"),
    path(family + "procedures/new/", views.procedure_edit, name="procedure_create"),
    path(family + "procedures/<uuid:procedure_pk>/", views.procedure_edit, name="procedure_edit"),
    path(family + "documents/new/", views.document_edit, name="document_create"),
    path(family + "documents/<uuid:document_pk>/", views.document_edit, name="document_edit"),
    path(family + "documents/<uuid:document_pk>/file/", views.document_file, name="document_file"),
]
