from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path
from django_ratelimit.decorators import ratelimit

from units import digest_views, export_views, supervisor_views, two_factor_views, views

app_name = "units"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/lookup/<str:token>/", views.unit_lookup, name="unit_lookup"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/new/<str:kind>/", export_views.export_start, name="export_start"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("digests/", digest_views.digest_list, name="digest_list"),
    path("digests/<int:pk>/", digest_views.digest_detail, name="digest_detail"),
    path("digests/<int:pk>/<slug:action>/", digest_views.digest_act, name="digest_act"),
    path("supervisors/", supervisor_views.supervisor_list, name="supervisor_list"),
    path("supervisors/new/", supervisor_views.supervisor_create, name="supervisor_create"),
    path("supervisors/<int:pk>/edit/", supervisor_views.supervisor_edit, name="supervisor_edit"),
]

# Names without the app namespace: Django's auth settings refer to "login" and "home".
auth_urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        # Per address, on top of django-axes' per username+address lockout.
        ratelimit(
            group="login",
            key="ip",
            rate=lambda group, request: settings.ZUOFENG_LOGIN_RATE,
            method="POST",
            block=True,
        )(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/2fa/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/2fa/backup-codes/",
        two_factor_views.two_factor_backup_codes,
        name="two_factor_backup_codes",
    ),
]
