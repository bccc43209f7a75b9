"""Which settings a process runs with: one rule for every entry point.

1. `DJANGO_SETTINGS_MODULE`, when the operator set it (an empty value counts as unset);
2. else `ZUOFENG_ENV`: `production` or `development`;
3. else the entry point's own default: **production** for the servers (wsgi, asgi, Celery
   worker and beat), development only for `manage.py` run by hand on a checkout.

Nothing imported early can switch a server to development settings: `config/__init__.py`
loads the Celery app, and the Celery app asks this module with the production default, the
same answer wsgi gets (issue 20: a gunicorn started without the variable used to run the
development settings with DEBUG on because the Celery module set them first).
"""

from __future__ import annotations

import os

PRODUCTION = "config.settings.prod"
DEVELOPMENT = "config.settings.dev"
ENVIRONMENTS = {"production": PRODUCTION, "development": DEVELOPMENT}


def select_settings(*, default: str = PRODUCTION) -> str:
    """Set DJANGO_SETTINGS_MODULE by the rule above (unless already set) and return it."""
    chosen = os.environ.get("DJANGO_SETTINGS_MODULE", "").strip()
    if not chosen:
        environment = os.environ.get("ZUOFENG_ENV", "").strip().lower()
        if environment and environment not in ENVIRONMENTS:
            raise RuntimeError(
                f"ZUOFENG_ENV={environment!r}: use one of {', '.join(sorted(ENVIRONMENTS))}."
            )
        chosen = ENVIRONMENTS.get(environment, default)
    os.environ["DJANGO_SETTINGS_MODULE"] = chosen
    return chosen
