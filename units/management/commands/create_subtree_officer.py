"""Set up an inspection officer confined to one unit's subtree (a township's discipline office).

    python manage.py create_subtree_officer wangjj --unit SLX-CGZ --name 王某某 --email w@x.gov.cn

Creates the account (or updates it), puts it in 辖区纪检监察人员 and gives it oversight on the
unit's subtree; see units.services.subtree_officer_setup for what it guarantees.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from units import services
from units.models import Unit


class Command(BaseCommand):
    help = "Create or update an inspection officer whose jurisdiction is one unit's subtree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="code of the subtree's root unit")
        parser.add_argument("--name", default="", help="the officer's name (姓名)")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--keep-other-grants",
            action="store_true",
            help="keep oversight the account already holds on other units (default: dropped)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"No unit has the code {options['unit']!r}.") from None
        try:
            user, created = services.subtree_officer_setup(
                username=options["username"],
                unit=unit,
                name=options["name"],
                email=options["email"],
                keep_other_grants=options["keep_other_grants"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {user.username}: inspection officer for {unit.name} ({unit.code}) "
                "and the units under it."
            )
        )
        if created or not user.has_usable_password():
            self.stdout.write(
                f"Set a password with: python manage.py changepassword {user.username} "
                "(two-factor login is set up at the first login)."
            )
