"""Password rules as 等保 2.0 expects them: a minimum length and a mix of character classes.

Set in AUTH_PASSWORD_VALIDATORS from ZUOFENG_PASSWORD_MIN_LENGTH and
ZUOFENG_PASSWORD_MIN_CLASSES (8 and 3 of the 4 classes by default). Django applies it
wherever a password is chosen: the admin's password forms and the password change pages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

CLASSES = 4  # upper case, lower case, digits, everything else (symbols, spaces, 汉字 …)


def character_classes(password: str) -> int:
    """How many of the four classes the password draws on."""
    return sum(
        (
            any(c.isascii() and c.isupper() for c in password),
            any(c.isascii() and c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        )
    )


class ComplexityValidator:
    """At least `min_length` characters drawn from at least `min_classes` of the four classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3) -> None:
        if min_length < 1 or not 1 <= min_classes <= CLASSES:
            raise ImproperlyConfigured(
                "ComplexityValidator: min_length must be at least 1 and min_classes 1 to 4."
            )
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(
                ValidationError(
                    _("The password must be at least %(min_length)d characters long."),
                    code="password_too_short",
                    params={"min_length": self.min_length},
                )
            )
        if character_classes(password) < self.min_classes:
            errors.append(
                ValidationError(
                    _(
                        "The password must mix at least %(min_classes)d of these: upper-case "
                        "letters, lower-case letters, digits and symbols."
                    ),
                    code="password_too_simple",
                    params={"min_classes": self.min_classes},
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _(
            "At least %(min_length)d characters, mixing at least %(min_classes)d of: upper-case "
            "letters, lower-case letters, digits and symbols."
        ) % {"min_length": self.min_length, "min_classes": self.min_classes}
