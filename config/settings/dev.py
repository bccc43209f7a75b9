"""Local trial and development: DEBUG on, everything else from base."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
