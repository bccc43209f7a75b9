"""`manage.py demo_code`: the current verification code of the demo staff logins."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from units import two_factor
from units.demo import refuse_in_production


class Command(BaseCommand):
    help = "打印演示账号（admin、jiwei）当前的二次验证码（仅限演示环境）。"

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production()
        self.stdout.write(two_factor.demo_current_code())
        self.stderr.write(
            _(
                "Each code is valid for about 30 seconds and can be used once; run again for a new one."
            )
        )
