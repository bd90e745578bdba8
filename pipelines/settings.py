"""Where a Relais home lives and what its settings say.

``RELAIS_HOME`` (default ``.relais`` in the working directory) holds everything a run reads and
writes. Settings come from ``RELAIS_HOME/relais.toml``, created from ``seeds/relais.toml`` on first
use, and are checked by the ``Settings`` model (``relais.settings``), which holds their
defaults; a file that cannot be used raises ``SettingsError`` with one line per problem. The
pseudonymisation key comes from ``RELAIS_PSEUDONYM_KEY`` or, failing that, from a key generated once
into ``RELAIS_HOME/secrets/pseudonym.key`` with owner-only permissions.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from typing import Any

from relais.home import RelaisHome
from relais.privacy.pseudonym import Pseudonymiser
from relais.settings import SETTINGS_FILE, load_settings_file
from relais.settings import SettingsError as SettingsError
from relais.shipped import SEEDS

DEFAULT_SETTINGS = SEEDS / "relais.toml"
KEY_ENV = "RELAIS_PSEUDONYM_KEY"
DAGSTER_YAML = """# Written by Relais (one writer at a time: RELAIS_HOME/state/writer.lock, not a pool).
telemetry:
  enabled: false
"""


def home_root(environ: dict[str, str] | os._Environ[str] | None = None) -> Path:
    """The home folder: ``RELAIS_HOME`` if set, else ``.relais`` in the working directory (absolute)."""
    env = os.environ if environ is None else environ
    return Path(env.get("RELAIS_HOME") or ".relais").expanduser().resolve()


def load_settings(root: Path) -> dict[str, Any]:
    """The home's ``relais.toml`` checked by the ``Settings`` model, defaults filled in, as a plain dict.

    The defaults are the model's, the values of ``seeds/relais.toml`` (a test keeps them equal); a
    missing file gives the defaults. Raises ``SettingsError`` (one line per problem: file, line,
    key, value, what is allowed) for invalid TOML, an unknown key, a wrong type or a bad value.
    """
    return load_settings_file(root / SETTINGS_FILE)


def pseudonym_key(root: Path, environ: dict[str, str] | os._Environ[str] | None = None) -> bytes:
    """The secret key for ``agent_key``: from the environment, else generated once under the home."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return env[KEY_ENV].encode("utf-8")
    path = root / "secrets" / "pseudonym.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def prepare_home(root: Path) -> None:
    """Create the home's folders, its ``relais.toml`` and its Dagster instance settings if missing."""
    for folder in (root / "inbox", root / "serving", root / "dagster"):
        folder.mkdir(parents=True, exist_ok=True)
    if not (root / "relais.toml").exists():
        shutil.copyfile(DEFAULT_SETTINGS, root / "relais.toml")
    dagster_yaml = root / "dagster" / "dagster.yaml"
    if not dagster_yaml.exists():
        dagster_yaml.write_text(DAGSTER_YAML, encoding="utf-8")


def load_home(
    root: Path | None = None, environ: dict[str, str] | os._Environ[str] | None = None
) -> RelaisHome:
    """Prepare and describe a home: folders, settings and pseudonymisation key.

    Raises ``SettingsError`` when the home's ``relais.toml`` cannot be used.
    """
    root = root or home_root(environ)
    prepare_home(root)
    settings = load_settings(root)
    return RelaisHome(
        root=root,
        timezone=str(settings.get("timezone", "Europe/Paris")),
        organisation=str(settings.get("organisation", "Relais")),
        pseudonymiser=Pseudonymiser(pseudonym_key(root, environ)),
        settings=settings,
    )
