"""The LinkedIn application's client secret: from ``RELAIS_LINKEDIN_CLIENT_SECRET`` or a file of the home.

The file is ``<home>/secrets/linkedin_client_secret`` (its first line). The secret comes out as a
``Secret``, which no representation shows; None when there is none.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from relais.sources.linkedin_api.client import Secret

SECRET_ENV = "RELAIS_LINKEDIN_CLIENT_SECRET"
SECRET_FILE = Path("secrets") / "linkedin_client_secret"


def client_secret(home_root: Path, environ: Mapping[str, str] | None = None) -> Secret | None:
    """The application's client secret (environment first, then the home's file), or None."""
    env = os.environ if environ is None else environ
    given = env.get(SECRET_ENV, "").strip()
    if given:
        return Secret(given)
    path = home_root / SECRET_FILE
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    return Secret(lines[0].strip()) if lines and lines[0].strip() else None


def where_to_put_it(home_root: Path) -> str:
    """Where an operator can give the client secret, for messages."""
    return f"set {SECRET_ENV} or write it in {home_root / SECRET_FILE} (mode 0600)"
