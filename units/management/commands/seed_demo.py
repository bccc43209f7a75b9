"""`manage.py seed_demo`: a realistic demo county, 示例县, to try Zuofeng with.

Builds the four assessment groups, about forty units, their cadres and responsibilities,
the campaign's leading group, one login per role and each app's demo data (units.demo),
then prints the logins. Safe to run again; refuses to run under production settings.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from units import two_factor
from units.demo import (
    DEFAULT_PASSWORD,
    PASSWORD_ENV,
    SUMMARY_KEYS,
    demo_build,
    demo_password,
)
from units.demo_county import DEMO_LOGINS

__all__ = ["DEFAULT_PASSWORD", "Command"]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Columns padded by display width, so Chinese text lines up in a terminal."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    ]


class Command(BaseCommand):
    help = (
        "生成演示数据：示例县的考核组别、单位、干部、责任分工、领导小组和各角色演示账号"
        "（可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo_password()
        tally = demo_build(password=password, stdout=self.stdout, warn=self._warn)
        if any(tally.values()):
            self.stdout.write(
                _(
                    "Demo county ready: created %(groups)d assessment groups, %(units)d units, %(people)d cadres, %(responsibilities)d responsibilities, %(users)d accounts, %(leading_groups)d leading/working groups and %(members)d group members."
                )
                % {key: tally[key] for key in SUMMARY_KEYS}
            )
        else:
            self.stdout.write(_("The demo county data already exists; nothing was changed."))
        self._print_logins(password)

    def _warn(self, message: str) -> None:
        self.stderr.write(self.style.WARNING(message))

    def _print_logins(self, password: str) -> None:
        rows: list[tuple[str, ...]] = [
            (_("Login"), _("Name"), _("Role"), _("Can see"), _("Password"))
        ]
        rows += [
            (login.username, login.person or "—", login.role, login.sees, password)
            for login in DEMO_LOGINS
        ]
        lines = _table(rows)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo logins")))
        self.stdout.write(lines[0])
        self.stdout.write("-" * max(_width(line) for line in lines))
        for line in lines[1:]:
            self.stdout.write(line)
        self.stdout.write(
            _(
                "The password comes from %(env)s (default %(default)s); existing accounts keep their password."
            )
            % {"env": PASSWORD_ENV, "default": DEFAULT_PASSWORD}
        )
        staff = [login.username for login in DEMO_LOGINS if login.is_staff or login.is_superuser]
        self.stdout.write(
            _(
                "%(logins)s also need a verification code after the password: run `python manage.py demo_code` for the current one, or add the key %(key)s to an authenticator app."
            )
            % {"logins": ", ".join(staff), "key": two_factor.demo_secret_base32()}
        )
