"""A value handed from a public form's POST to the page it redirects to (post, redirect,
get): a signed cookie sent only to that page, HttpOnly, SameSite=Lax, secure wherever the
session cookie is. The public intake's new tracking code and a rater's mark that they voted
travel this way; a session would cost a row written per submission."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class PageCookie:
    name: str
    salt: str
    seconds: int

    def keep(self, response: HttpResponse, value: str, *, path: str) -> None:
        response.set_signed_cookie(
            self.name,
            value,
            salt=self.salt,
            max_age=self.seconds,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )

    def read(self, request: HttpRequest) -> str | None:
        """The value, or None when absent, forged or older than `seconds`."""
        value = request.get_signed_cookie(
            self.name, default=None, salt=self.salt, max_age=self.seconds
        )
        return None if value is None else str(value)

    def forget(self, request: HttpRequest, response: HttpResponse, *, path: str) -> None:
        if self.name in request.COOKIES:
            response.delete_cookie(self.name, path=path, samesite="Lax")
