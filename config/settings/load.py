"""The load test (tests/load/): production settings, served over plain HTTP on one address.

Everything comes from prod (it refuses to start without its secrets) except what a load
generator on 127.0.0.1 cannot live with: HTTPS-only cookies and redirects, the bot trap's
minimum form time and the per-address rate limits. Never use for a deployment.
"""

from .prod import *

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
RATELIMIT_IP_META_KEY = "REMOTE_ADDR"

# Every simulated user comes from one address: the limits a real public has are raised.
COMPLAINTS_FORM_MIN_SECONDS = env.float("ZUOFENG_LOAD_FORM_MIN_SECONDS", default=0)
_RATE = env("ZUOFENG_LOAD_RATE", default="100000/m")
COMPLAINTS_SUBMIT_RATE = _RATE
COMPLAINTS_TRACK_RATE = _RATE
ASSESSMENTS_OPEN_VOTE_RATE = _RATE
ASSESSMENTS_CODE_VOTE_RATE = _RATE
ZUOFENG_LOGIN_RATE = _RATE

STATIC_ROOT = VAR_DIR / "load-static"
LOGGING["root"]["level"] = "WARNING"
