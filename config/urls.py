from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config import health
from units.urls import auth_urlpatterns

admin.site.site_header = settings.ZUOFENG_SITE_NAME
admin.site.site_title = settings.ZUOFENG_SITE_NAME

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", health.live, name="health_live"),
    path("health/db/", health.database, name="health_db"),
    path("health/broker/", health.broker, name="health_broker"),
    path("admin/", admin.site.urls),
    *auth_urlpatterns,
    path("campaign/", include("campaign.urls")),
    path("complaints/", include("complaints.urls")),
    path("assessments/", include("assessments.urls")),
    path("", include("units.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
