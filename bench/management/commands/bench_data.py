"""python manage.py bench_data --scale {small,province}: load the synthetic data set."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bench.generate import SCALES, generate


class Command(BaseCommand):
    help = "Load the synthetic benchmark data set into an empty, migrated database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Anchor day (YYYY-MM-DD); the data is deterministic for a seed and a day.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(step: str) -> None:
            self.stdout.write(f"  {time.monotonic() - started:7.1f}s  {step}")

        generator = generate(
            scale=options["scale"], seed=options["seed"], today=options["today"], progress=progress
        )
        total = sum(generator.loader.counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{options['scale']}: {total:,} rows in {time.monotonic() - started:.1f}s"
            )
        )
        for table, count in sorted(generator.loader.counts.items()):
            self.stdout.write(f"  {table:40} {count:>12,}")
