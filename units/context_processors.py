from django.conf import settings
from django.http import HttpRequest

from units import extensions, roles
from units.selectors import unread_notification_count


def shell(request: HttpRequest) -> dict[str, object]:
    """What the page shell needs: product name, the user's role and unread notice count.

    The name is `product_name`, not `site_name`: Django's auth views put their own
    `site_name` (the request's host, without django.contrib.sites) into the context, and a
    view's context overrides a context processor's, so the login page read "127.0.0.1".
    """
    user = request.user
    if not user.is_authenticated:
        return {"product_name": settings.ZUOFENG_SITE_NAME}
    role = roles.primary_role(user)
    return {
        "product_name": settings.ZUOFENG_SITE_NAME,
        "user_role": role,
        "user_role_label": roles.ROLE_LABELS.get(role, "") if role else "",
        "is_inspection_staff": role == roles.INSPECTION_STAFF,
        "reads_digests": role in (roles.INSPECTION_STAFF, roles.LEADERSHIP),
        # A supervisor reads no unit pages: their units are on their workspace.
        "reads_units": role != roles.SUPERVISOR,
        "unread_count": unread_notification_count(user=user),
        "app_nav_items": extensions.nav_items(request, role),
    }
