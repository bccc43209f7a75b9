"""Type aliases shared by services and selectors."""

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser
