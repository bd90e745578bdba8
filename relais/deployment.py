"""A deployment serving many organisations: which homes it holds, each named by a short slug.

A deployment is a folder (``RELAIS_DEPLOYMENT``). Every folder under its ``organisations/`` that is
a Relais home (it holds a ``relais.toml``) is an organisation named after the folder; a
``relais-deployment.toml`` may list more, each a slug and a path (relative to the deployment or
absolute), and may leave some out (``exclude``). Each organisation keeps its own home, inbox,
warehouse, secrets and published snapshot: no two organisations ever share a file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ORGANISATIONS_DIR = "organisations"
DEPLOYMENT_FILE = "relais-deployment.toml"
SETTINGS_FILE = "relais.toml"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class DeploymentError(ValueError):
    """The deployment's folder or file cannot be used (one line naming the file and the fix)."""


@dataclass(frozen=True)
class Organisation:
    """One organisation of a deployment: its slug (the Dagster partition key) and its home."""

    slug: str
    home: Path


def is_home(folder: Path) -> bool:
    """Whether ``folder`` is a Relais home (it has the settings file ``relais init`` writes)."""
    return (folder / SETTINGS_FILE).is_file()


def _listed(root: Path) -> tuple[dict[str, Path], set[str]]:
    path = root / DEPLOYMENT_FILE
    if not path.exists():
        return {}, set()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DeploymentError(f"{path}: cannot be read ({error}); fix it or remove it") from None
    unknown = set(data) - {"organisations", "exclude"}
    if unknown:
        raise DeploymentError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown))}: allowed are organisations, exclude"
        )
    listed = data.get("organisations", {})
    exclude = data.get("exclude", [])
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        raise DeploymentError(
            f'{path}: [organisations] maps a slug to a home\'s path, e.g. ville-a = "/srv/ville-a"'
        )
    if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
        raise DeploymentError(f'{path}: exclude is a list of slugs, e.g. exclude = ["ville-b"]')
    return {slug: (root / p).resolve() for slug, p in listed.items()}, set(exclude)


def list_organisations(root: Path) -> list[Organisation]:
    """The organisations of the deployment at ``root``, sorted by slug.

    Folders of ``organisations/`` that are not homes (no ``relais.toml`` yet) are not listed; a
    slug must be lower-case letters, digits and dashes (it names runs and partitions). Raises
    ``DeploymentError`` for a bad slug, a listed path that is not a home or two slugs on one home.
    """
    found: dict[str, Path] = {}
    folder = root / ORGANISATIONS_DIR
    if folder.is_dir():
        found = {p.name: p.resolve() for p in sorted(folder.iterdir()) if p.is_dir() and is_home(p)}
    listed, exclude = _listed(root)
    for slug, home in listed.items():
        if not is_home(home):
            raise DeploymentError(
                f"{root / DEPLOYMENT_FILE}: {slug} = {str(home)!r} is not a Relais home "
                f"(no {SETTINGS_FILE}): run `RELAIS_HOME={home} relais init` first"
            )
        found[slug] = home
    for slug in found:
        if not SLUG.match(slug):
            raise DeploymentError(
                f"organisation {slug!r}: a slug is 1 to 63 lower-case letters, digits and dashes "
                "(rename its folder or its entry)"
            )
    homes: dict[Path, str] = {}
    for slug, home in found.items():
        if home in homes:
            raise DeploymentError(
                f"organisations {homes[home]!r} and {slug!r} share the home {home}: one home each"
            )
        homes[home] = slug
    return [Organisation(slug, found[slug]) for slug in sorted(found) if slug not in exclude]


def find_organisation(root: Path, slug: str) -> Organisation:
    """The organisation ``slug`` of the deployment, or ``DeploymentError`` naming those there are."""
    organisations = list_organisations(root)
    for organisation in organisations:
        if organisation.slug == slug:
            return organisation
    known = ", ".join(o.slug for o in organisations) or "none"
    raise DeploymentError(f"no organisation {slug!r} in the deployment {root} (there are: {known})")
