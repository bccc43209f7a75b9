from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from django_ratelimit.decorators import ratelimit

from config import health
from units.urls import auth_urlpatterns

admin.site.site_header = settings.ZUOFENG_SITE_NAME
admin.site.site_title = settings.ZUOFENG_SITE_NAME
# The admin's own login form counts with the main one (django-axes covers both).
admin.site.login = ratelimit(  # type: ignore[method-assign]
    group="login",
    key="ip",
    rate=lambda group, request: settings.ZUOFENG_LOGIN_RATE,
    method="POST",
    block=True,
)(admin.site.login)

urlpatterns = [
    # The language switch is a public form too: rate-limited like the others.
    path(
        "i18n/setlang/",
        ratelimit(group="setlang", key="ip", rate="60/m", method="POST", block=True)(set_language),
        name="set_language",
    ),
    path("health/", health.live, name="health_live"),
    path("health/db/", health.database, name="health_db"),
    path("health/broker/", health.broker, name="health_broker"),
    path("admin/", admin.site.urls),
    *auth_urlpatterns,
    path("campaign/", include("campaign.urls")),
    path("complaints/", include("complaints.urls")),
    path("assessments/", include("assessments.urls")),
    path("api/", include("config.api_urls")),
    path("", include("units.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
