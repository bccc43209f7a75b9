"""config.heap: a server process sets its start-up objects aside from the collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _python(script: str) -> str:
    """`script`'s output in a fresh interpreter (freezing the test process would keep its
    garbage), with the test settings."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(  # noqa: S603 (this interpreter)
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


@pytest.mark.parametrize("entry", ["config.wsgi", "config.asgi"])
def test_the_entry_points_freeze_what_start_up_made(entry: str) -> None:
    """After importing the entry point, the start-up objects (models, URL patterns) are
    frozen and a full collection walks only what came after."""
    script = (
        "import gc, importlib\n"
        f"importlib.import_module({entry!r})\n"
        "from units.models import Unit\n"
        "frozen = gc.get_freeze_count()\n"
        "tracked = len(gc.get_objects())\n"
        "print(frozen, tracked, any(o is Unit for o in gc.get_objects()))\n"
    )
    frozen, tracked, unit_tracked = _python(script).split()
    assert int(frozen) > 50_000
    assert int(tracked) < int(frozen) // 5
    assert unit_tracked == "False"  # the model class is frozen, not walked


def test_freezing_keeps_collecting_new_garbage() -> None:
    script = (
        "import gc\n"
        "import config.wsgi\n"
        "class Node: pass\n"
        "a, b = Node(), Node()\n"
        "a.other, b.other = b, a\n"
        "del a, b\n"
        "print(gc.collect())\n"
    )
    assert int(_python(script).strip()) >= 2


def test_start_up_compiles_the_templates_into_the_frozen_objects() -> None:
    """A worker's templates are compiled at start-up and frozen with the rest: the base
    template and its nodes are not among the objects a full collection walks, and the
    first request's get_template returns that very compiled template."""
    script = (
        "import gc\n"
        "import config.wsgi\n"
        "from django.template.loader import get_template\n"
        "tracked = {id(o) for o in gc.get_objects()}\n"
        "template = get_template('base.html').template\n"
        "nodes = list(template.nodelist)\n"
        "print(len(nodes) > 3, any(id(o) in tracked for o in [template, *nodes]),"
        " get_template('base.html').template is template)\n"
    )
    enough_nodes, walked, same = _python(script).split()
    assert enough_nodes == "True"
    assert walked == "False"
    assert same == "True"
