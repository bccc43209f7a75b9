"""Production: refuses to start without its secrets; passes `check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False

_missing = [
    name
    for name in (
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "REDIS_URL",
        # Fernet keys for complainants' identities, newest first (comma-separated).
        "ZUOFENG_IDENTITY_KEYS",
        # The key of the hashes that stand for complainants' 查询码 (complaints/tracking.py):
        # derived from the secret key, rotating that key would void every code given out.
        "ZUOFENG_TRACKING_KEY",
    )
    if not env(name, default="")
]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(_missing)
    )
SECRET_KEY = env("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random string of 50+ characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "Production needs PostgreSQL: set DATABASE_URL to a postgres:// URL."
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# Behind nginx every request comes from the proxy: rate limits must key on the client's
# address, which deploy/nginx-zuofeng.conf passes as X-Real-IP.
RATELIMIT_IP_META_KEY = env("ZUOFENG_CLIENT_IP_HEADER", default="HTTP_X_REAL_IP")
