"""python manage.py bench_run --scale {small,province}: measure and write the results file."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import run


def results_path(scale: str) -> Path:
    name = "results.json" if scale == "province" else f"results-{scale}.json"
    return Path(settings.BASE_DIR) / "bench" / name


class Command(BaseCommand):
    help = "Run the benchmarks on the loaded data set and write bench/results[-scale].json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "province"], default="small")
        parser.add_argument(
            "--only",
            default="",
            help=f"Comma-separated steps to re-run ({', '.join(run.STEPS)}); the other "
            "figures are kept from the existing results file.",
        )
        parser.add_argument("--export-child", action="store_true", help="internal")
        parser.add_argument("--crawl-child", action="store_true", help="internal")
        parser.add_argument("--fetch-child", nargs=2, metavar=("USERNAME", "URL"), help="internal")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["export_child"]:
            self.stdout.write(json.dumps(run.export_in_this_process()))
            return
        if options["crawl_child"]:
            from bench import crawl

            def to_stderr(message: str) -> None:
                self.stderr.write(f"  [crawl] {message}")
                self.stderr.flush()

            self.stdout.write(
                json.dumps(crawl.crawl_in_this_process(scale=options["scale"], log=to_stderr))
            )
            return
        if options["fetch_child"]:
            from bench import crawl

            username, url = options["fetch_child"]
            self.stdout.write(json.dumps(crawl.fetch_in_this_process(username=username, url=url)))
            return
        started = time.monotonic()

        def log(message: str) -> None:
            self.stdout.write(f"  [{time.monotonic() - started:6.1f}s] {message}")
            self.stdout.flush()

        scale = options["scale"]
        path = results_path(scale)
        only = [step for step in options["only"].split(",") if step]
        unknown = set(only) - set(run.STEPS)
        if unknown:
            raise CommandError(f"Unknown steps: {', '.join(sorted(unknown))}")
        previous = json.loads(path.read_text()) if only and path.exists() else None
        results = run.run_all(scale=scale, log=log, only=only or None, previous=previous)
        path.write_text(json.dumps(results, indent=2) + "\n")
        other_path = results_path("small" if scale == "province" else "province")
        other = json.loads(other_path.read_text()) if other_path.exists() else None
        self.stdout.write(f"\nWrote {path.relative_to(settings.BASE_DIR)}\n")
        self.stdout.write(run.table(results, other))
