"""Where the files Relais ships beside its code are: the SQL models, the metric catalogue, the seeds.

In a checkout (an editable install) they are the project's own ``sql/``, ``docs/metrics.md`` and
``seeds/``. A wheel carries the same files as package data under ``relais/_shipped/`` (pyproject.toml
maps them there, through hatch_build.py, in standard wheels only), and that copy is used when it is
present, so an installed Relais needs no checkout; an editable install has no such copy.
"""

from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).resolve().parent / "_shipped"
CHECKOUT = Path(__file__).resolve().parent.parent


def shipped(*parts: str) -> Path:
    """The path of a shipped file or folder (``shipped("sql")``): the wheel's copy, else the checkout's."""
    packaged = PACKAGED.joinpath(*parts)
    return packaged if packaged.exists() else CHECKOUT.joinpath(*parts)


SQL_ROOT = shipped("sql")
METRICS_DOC = shipped("docs", "metrics.md")
SEEDS = shipped("seeds")
