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
]
