"""ASGI entry point: production settings unless told otherwise (config/environment.py)."""

from config.environment import select_settings

select_settings()

from django.core.asgi import get_asgi_application  # noqa: E402 (after the settings are chosen)

application = get_asgi_application()
