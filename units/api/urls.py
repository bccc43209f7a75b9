"""The organisation's endpoints (the unit directory), included under /api/v1/ by
config/api_urls.py."""

from __future__ import annotations

from django.urls import path

from units.api import directory_views

urlpatterns = [
    path("directory/units/", directory_views.DirectoryView.as_view(), name="directory_units"),
    path("directory/sync/", directory_views.DirectorySyncView.as_view(), name="directory_sync"),
]
