"""Create (or find) an integration client and issue it a key, printed once.

    python manage.py api_key_issue "12345 热线" --scopes push_complaints,read_status
    python manage.py api_key_issue "城关镇平台" --scopes read_status --unit SLX-CGZ --rotate

The admin does the same (集成对接 → 对接系统 → 签发新密钥); this is for scripts and the demo.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from units.api.services import api_key_issue, api_key_rotate
from units.models import IntegrationClient, Unit


class Command(BaseCommand):
    help = "Create an integration client of the API if needed and print a new key (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument(
            "--scopes",
            default="push_complaints,read_status",
            help="comma-separated: " + ", ".join(IntegrationClient.Scope.values),
        )
        parser.add_argument("--unit", default="", help="unit code: limit the client to it")
        parser.add_argument("--rate", default="", help="e.g. 600/min")
        parser.add_argument(
            "--rotate", action="store_true", help="revoke the client's earlier keys"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = {s.strip() for s in options["scopes"].split(",") if s.strip()}
        unknown = scopes - set(IntegrationClient.Scope.values)
        if unknown:
            raise CommandError(f"unknown scopes: {', '.join(sorted(unknown))}")
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"no unit has the code {options['unit']}")
        with transaction.atomic():
            client, _ = IntegrationClient.objects.get_or_create(name=options["name"])
            for scope in IntegrationClient.Scope.values:
                setattr(client, f"can_{scope}", scope in scopes)
            client.unit = unit
            if options["rate"]:
                client.rate = options["rate"]
            client.save()
            rotate = api_key_rotate if options["rotate"] else api_key_issue
            issued = rotate(client=client, actor=None)
        self.stdout.write(issued.secret)
