"""Local trial and development (`make run`, `manage.py` on a checkout).

DEBUG is off unless asked for (DJANGO_DEBUG=1): whoever tries the product with `make run`
sees its own Chinese 404/403/500 pages, not Django's debug pages. A developer who wants the
debug pages and tracebacks in the browser runs `DJANGO_DEBUG=1 make run`.
"""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# With DEBUG off, runserver no longer serves static files: WhiteNoise (already in the
# middleware) serves them straight from the app and project folders, without collectstatic,
# and picks up an edited file on the next request.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# No ZUOFENG_IDENTITY_KEYS on a trial machine: complainants' identities are encrypted with a
# key derived from SECRET_KEY (with a warning), as under DEBUG; production refuses to start.
ZUOFENG_DERIVED_IDENTITY_KEY = True
