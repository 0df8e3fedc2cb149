from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from parcours.api import pages, views

app_name = "api"

# The API authenticates each request by its token (DRF's views are CSRF-exempt, and no
# session is read: see parcours.api.authentication), so the sign-in page's middleware lets
# it through; the schema and its documentation page hold no data and are open to read.
urlpatterns = [
    path("api/v1/projects/", views.ProjectList.as_view(), name="projects"),
    path("api/v1/families/", views.FamilyList.as_view(), name="families"),
    path("api/v1/families/<uuid:pk>/", views.FamilyDetail.as_view(), name="family"),
    path("api/v1/families/<uuid:pk>/contacts/", views.ContactList.as_view(), name="contacts"),
    path("api/v1/families/<uuid:pk>/actions/", views.ActionList.as_view(), name="actions"),
    path("api/v1/actions/<uuid:pk>/", views.ActionDetail.as_view(), name="action"),
    path("api/v1/referrals/", views.ReferralCreate.as_view(), name="referrals"),
    path("api/v1/sheets/", views.SheetList.as_view(), name="sheets"),
    path("api/v1/projects/<slug:slug>/report/", views.ProjectReport.as_view(), name="report"),
    path("api/v1/webhooks/", views.WebhookList.as_view(), name="webhooks"),
    path("api/v1/webhooks/<uuid:pk>/", views.WebhookDetail.as_view(), name="webhook"),
    path(
        "api/v1/schema/",
        login_not_required(
            SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[])
        ),
        name="schema",
    ),
    path(
        "api/v1/docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema",
                template_name="api/swagger_ui.html",
                authentication_classes=[],
                permission_classes=[],
            )
        ),
        name="docs",
    ),
    # Any other address under api/ (a newline in it too: "." would not match one) is a
    # problem+json 404, never the site's HTML page.
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", views.not_found),
    # The pages: a person's tokens, a coordinator's webhooks.
    path("account/api-tokens/", pages.tokens_page, name="tokens"),
    path("account/api-tokens/<int:pk>/revoke/", pages.revoke_token, name="revoke_token"),
    path("webhooks/", pages.webhook_list, name="webhook_list"),
    path("webhooks/<uuid:pk>/", pages.webhook_detail, name="webhook_detail"),
]
