"""Digests that tell whether a report folder is still what its inputs would write: value and code.

``value_digest`` hashes plain data (figures, settings, whom the report names) serialised the same
way in every process: ``pydantic_core`` turns dataclasses, dates, decimals and mappings with date
keys into JSON values, written with sorted keys and no spacing. ``code_fingerprint`` hashes what
turns those values into files: the templates, the modules of ``relais.reports`` and the versions of
the libraries that draw and print them, so that an upgrade writes every report again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pydantic_core import to_jsonable_python

PACKAGE = Path(__file__).parent
RENDERING_LIBRARIES = ("jinja2", "altair", "vl-convert-python", "weasyprint")
"""Distributions whose version changes the charts, HTML or PDF files written from the same figures."""


def canonical_json(value: Any) -> str:
    """``value`` as JSON text that is the same for equal values in any process (keys sorted).

    Sets are listed in their iteration order, which differs between processes: give them sorted.
    Raises ``PydanticSerializationError`` naming the type of a value it cannot write.
    """
    return json.dumps(to_jsonable_python(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def value_digest(value: Any) -> str:
    """The SHA-256 (hexadecimal) of ``canonical_json(value)``."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def files_digest(root: Path, paths: Iterable[Path]) -> str:
    """The SHA-256 of ``paths`` (files under ``root``): each one's path relative to ``root`` and bytes."""
    sha = hashlib.sha256()
    for path in sorted(paths):
        sha.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        sha.update(path.read_bytes() + b"\0")
    return sha.hexdigest()


def library_versions(names: Iterable[str] = RENDERING_LIBRARIES) -> dict[str, str | None]:
    """The installed version of each distribution in ``names`` (``None`` when it is not installed)."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return versions


def code_fingerprint(package: Path = PACKAGE) -> str:
    """The digest of the code that writes a report: every file of ``package`` (the modules and the
    templates of ``relais.reports``, caches aside) and the versions of ``RENDERING_LIBRARIES``."""
    files = [
        p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    ]
    return value_digest({"files": files_digest(package, files), "libraries": library_versions()})
