from django.urls import path

from parcours.casework import views

app_name = "casework"

family = "cases/<uuid:pk>/"

urlpatterns = [
    path("week/", views.my_week, name="my_week"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("directory/", views.directory, name="directory"),
    path("directory/new/", views.provider_edit, name="provider_create"),
    path("directory/<int:provider_pk>/", views.provider_edit, name="provider_edit"),
    path(family + "contacts/", views.contact_list, name="contacts"),
    path(family + "contacts/new/", views.contact_create, name="contact_create"),
    path(family + "plan/", views.plan_edit, name="plan"),
    path(family + "actions/new/", views.action_create, name="action_create"),
    path(family + "actions/<uuid:action_pk>/", views.action_edit, name="action_edit"),
    path(family + "actions/<uuid:action_pk>/done/", views.action_done, name="action_done"),
    path(family + "reviews/new/", views.review_create, name="review_create"),
    path(family + "consents/new/", views.consent_create, name="consent_create"),
    path(
        family + "consents/<uuid:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(family + "services/new/", views.service_referral_create, name="service_create"),
    path(
        family + "services/<uuid:referral_pk>/",
        views.service_referral_edit,
        name="service_edit",
    ),
]
