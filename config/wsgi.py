"""WSGI entry point: production settings unless told otherwise (config/environment.py)."""

from config.environment import select_settings

select_settings()

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after the settings are chosen)

from config.heap import freeze_startup_objects  # noqa: E402

application = get_wsgi_application()
freeze_startup_objects()
