"""Benchmarks only (`make bench`): production-like, with bot protection switched off.

Never use for a real deployment: the form minimum time and the rate limits are off so that
a load generator on one address can submit as fast as the server allows, and a fixed,
public identity key encrypts the synthetic complainants.
"""

import os

from .base import *

# A bench-only Fernet key (public, synthetic data only); real deployments set their own.
os.environ.setdefault("ZUOFENG_IDENTITY_KEYS", "YmVuY2gtb25seS1rZXktbm90LWZvci1yZWFsLWRhdGE=")

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]

DEBUG = False
ALLOWED_HOSTS = ["*"]
# The dedicated bench database, never the CI database nor a test database; connected as
# production connects (tuned_database: no JIT).
DATABASES = {
    "default": tuned_database(
        env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/zf_bench")
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = 60

# Bot protection off (bench only): no minimum form time, no rate limits.
COMPLAINTS_FORM_MIN_SECONDS = 0
RATELIMIT_ENABLE = False
COMPLAINTS_SUBMIT_RATE = "1000000/s"
ASSESSMENTS_OPEN_VOTE_RATE = "1000000/s"

# Cheap password hashing for the synthetic accounts (the bench logs in with force_login).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING["root"]["level"] = "WARNING"

# Every production URL and the bench's floor endpoint (bench/urls.py), nowhere else.
ROOT_URLCONF = "bench.urls"
