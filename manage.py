#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    # By hand on a checkout: development, unless DJANGO_SETTINGS_MODULE or ZUOFENG_ENV says
    # otherwise. Set before anything of `config` is imported: config/environment.py holds the
    # one rule every entry point follows, and the servers' default is production.
    os.environ.setdefault("ZUOFENG_ENV", "development")
    from config.environment import select_settings

    select_settings()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
