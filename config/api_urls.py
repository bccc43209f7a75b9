"""The REST API's URLs: each app's endpoints under /api/v1/, the OpenAPI schema and its
Swagger UI / Redoc pages (served from our own static files). See docs/API.md."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from assessments.api.urls import urlpatterns as assessments_urls
from campaign.api.urls import urlpatterns as campaign_urls
from complaints.api.urls import urlpatterns as complaints_urls
from units.api.views import NotFoundView

app_name = "api"

# One list per app, in the order of the apps.
v1 = [
    *campaign_urls,
    *complaints_urls,
    *assessments_urls,
]
v1.insert(0, path("", include("units.api.urls")))  # units first: the order of the apps

urlpatterns = [
    path("v1/", include(v1)),
    # Public and the same for everyone: no caller is looked up (a key's principal is no
    # person for the page templates' context).
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", authentication_classes=[]),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(
            url_name="api:schema", authentication_classes=[], template_name="api/redoc.html"
        ),
        name="redoc",
    ),
    # Last: any other path under v1/ is a JSON 404, not the site's HTML page.
    re_path(r"^v1/", NotFoundView.as_view(), name="not_found"),
]
