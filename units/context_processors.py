from django.conf import settings
from django.http import HttpRequest

from units import extensions, roles
from units.selectors import unread_notification_count


def shell(request: HttpRequest) -> dict[str, object]:
    """What the page shell needs: site name, the user's role and unread notice count."""
    user = request.user
    if not user.is_authenticated:
        return {"site_name": settings.ZUOFENG_SITE_NAME}
    role = roles.primary_role(user)
    return {
        "site_name": settings.ZUOFENG_SITE_NAME,
        "user_role": role,
        "user_role_label": roles.ROLE_LABELS.get(role, "") if role else "",
        "is_inspection_staff": role == roles.INSPECTION_STAFF,
        "reads_digests": role in (roles.INSPECTION_STAFF, roles.LEADERSHIP),
        "unread_count": unread_notification_count(user=user),
        "app_nav_items": extensions.nav_items(request, role),
    }
