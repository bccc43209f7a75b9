"""Messages of Django and of libraries that our catalogue words differently.

Our catalogue (LOCALE_PATHS) is read before theirs, so an entry here replaces their
Chinese. Listing the messages in code keeps `makemessages` from dropping the entries: this
module is never imported; it exists for the extractor. Keep each msgid exactly as the
library writes it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

OVERRIDES = [
    # Django's length validators: "确保该变量包含不超过 …" and half-width brackets.
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    # django-import-export's admin message, for a workbook with a header and no rows.
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
    # Django's admin: the app list's column headings (read out by screen readers), which
    # Django's own Chinese catalogue lacks.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes (login attempts and lockouts) ships no Chinese catalogue.
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Expires At"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]
