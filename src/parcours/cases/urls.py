from django.urls import path

from parcours.cases import views

app_name = "cases"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("cases/", views.case_list, name="list"),
    path("cases/case-managers/", views.case_manager_names, name="case_manager_names"),
    path("cases/referral/new/", views.referral_create, name="referral_create"),
    path("cases/referral/member-row/", views.member_row, name="member_row"),
    path("cases/earlier-files/", views.earlier_files, name="earlier_files"),
    path(
        "cases/<uuid:pk>/earlier-files/<int:duplicate_pk>/",
        views.earlier_file_decision,
        name="earlier_file_decision",
    ),
    path("cases/<uuid:pk>/edit/", views.family_edit, name="family_edit"),
    path("cases/<uuid:pk>/screening/", views.screening, name="screening"),
    path("cases/<uuid:pk>/step/<slug:name>/", views.family_step, name="step"),
    path("cases/<uuid:pk>/flags/new/", views.flag_create, name="flag_create"),
    path("cases/<uuid:pk>/flags/<uuid:flag_pk>/remove/", views.flag_remove, name="flag_remove"),
    path("cases/approvals/", views.approvals_waiting, name="approvals"),
    path(
        "cases/<uuid:pk>/approvals/ask/<slug:kind>/",
        views.approval_request,
        name="approval_request",
    ),
    path(
        "cases/<uuid:pk>/approvals/<uuid:approval_pk>/",
        views.approval_decide,
        name="approval_decide",
    ),
    path("cases/<uuid:pk>/refer-again/", views.refer_again, name="refer_again"),
    path("cases/<uuid:pk>/audit/", views.family_audit, name="audit"),
    path("cases/<uuid:pk>/case-managers/", views.assignment, name="assignment"),
    path("cases/<uuid:pk>/members/new/", views.person_create, name="person_create"),
    path("cases/<uuid:pk>/members/<uuid:person_pk>/", views.person_detail, name="person"),
    path("cases/<uuid:pk>/members/<uuid:person_pk>/edit/", views.person_edit, name="person_edit"),
]
