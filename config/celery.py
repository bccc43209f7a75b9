"""Celery application: settings come from Django's CELERY_* names.

Worker and beat are servers: without DJANGO_SETTINGS_MODULE or ZUOFENG_ENV they run the
production settings (config/environment.py); `make run` sets ZUOFENG_ENV=development.
"""

from celery import Celery

from config.environment import select_settings

select_settings()

app = Celery("zuofeng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
