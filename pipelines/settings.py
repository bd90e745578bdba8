"""Where a Relais home lives, what its settings say, and making it ready for a run.

``RELAIS_HOME`` (default ``.relais`` in the working directory) holds everything a run reads and
writes. Settings come from ``RELAIS_HOME/relais.toml`` and are checked by the ``Settings`` model
(``relais.settings``), which holds their defaults; a file that cannot be used raises
``SettingsError`` with one line per problem. Loading a home only reads: its folders, its
``relais.toml`` (copied from ``seeds/relais.toml``) and Dagster's instance settings are created by
``prepare_home`` when a run or a command starts, and the pseudonymisation key
(``RELAIS_PSEUDONYM_KEY``, else ``RELAIS_HOME/secrets/pseudonym.key``) when it is first needed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from relais.home import RelaisHome
from relais.settings import SETTINGS_FILE, Settings, load_settings_file
from relais.settings import SettingsError as SettingsError
from relais.shipped import SEEDS

DEFAULT_SETTINGS = SEEDS / "relais.toml"
KEY_ENV = "RELAIS_PSEUDONYM_KEY"
HOME_ENV = "RELAIS_HOME"
DAGSTER_YAML_MARK = "# Written by Relais"


def dagster_yaml(folder: Path) -> str:
    """The ``dagster.yaml`` of a home's Dagster instance in ``folder``: no telemetry, the run history
    in ``folder`` without a disk synchronisation per event (``pipelines.run_history``)."""
    from pipelines.run_history import run_history_yaml  # imports Dagster: only when a home is prepared

    return (
        f"{DAGSTER_YAML_MARK} (one writer at a time: RELAIS_HOME/state/writer.lock, not a pool).\n"
        "telemetry:\n  enabled: false\n" + run_history_yaml(folder)
    )


def home_root(environ: Mapping[str, str] | None = None) -> Path:
    """The home folder: ``RELAIS_HOME`` if set, else ``.relais`` in the working directory (absolute)."""
    env = os.environ if environ is None else environ
    return Path(env.get(HOME_ENV) or ".relais").expanduser().resolve()


def load_settings(root: Path) -> Settings:
    """The home's ``relais.toml`` checked by the ``Settings`` model, defaults filled in.

    The defaults are the model's, the values of ``seeds/relais.toml`` (a test keeps them equal); a
    missing file gives the defaults. Raises ``SettingsError`` (one line per problem: file, line,
    key, value, what is allowed) for invalid TOML, an unknown key, a wrong type or a bad value.
    """
    return load_settings_file(root / SETTINGS_FILE)


def load_home(root: Path | None = None, environ: Mapping[str, str] | None = None) -> RelaisHome:
    """Describe a home (``RELAIS_HOME`` by default) from its settings, creating nothing.

    Raises ``SettingsError`` when the home's ``relais.toml`` cannot be used.
    """
    env = os.environ if environ is None else environ
    root = root or home_root(env)
    return RelaisHome(root=root, settings=load_settings(root), pseudonym_secret=env.get(KEY_ENV, ""))


def default_settings(root: Path) -> str:
    """The shipped ``relais.toml`` for a new home; a deployment's home (``organisations/<slug>``) is
    named by its slug rather than the demo's name, so that no report of it says "démo"."""
    text = DEFAULT_SETTINGS.read_text(encoding="utf-8")
    if root.parent.name != "organisations":
        return text
    name = json.dumps(root.name, ensure_ascii=False)
    return re.sub(r'(?m)^organisation = ".*"$', lambda _: f"organisation = {name}", text, count=1)


def prepare_home(root: Path) -> None:
    """Create the home's folders, its ``relais.toml`` and its Dagster instance settings if missing."""
    for folder in (root / "inbox", root / "serving", root / "dagster"):
        folder.mkdir(parents=True, exist_ok=True)
    if not (root / SETTINGS_FILE).exists():
        (root / SETTINGS_FILE).write_text(default_settings(root), encoding="utf-8")
    write_instance_yaml(root / "dagster")


def write_instance_yaml(folder: Path) -> None:
    """Write ``folder/dagster.yaml`` unless it says what it should: written when missing, written again
    when Relais wrote it for another place (a home moved) or an older version; a file the operator
    wrote (without Relais's first line) is kept as it is."""
    path = folder / "dagster.yaml"
    wanted = dagster_yaml(folder)
    try:
        current = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        current = None
    if current is None or (current != wanted and current.startswith(DAGSTER_YAML_MARK)):
        path.write_text(wanted, encoding="utf-8")


def ready_home(root: Path | None = None, environ: Mapping[str, str] | None = None) -> RelaisHome:
    """Prepare a home (``prepare_home``) and describe it: what a command that writes to it starts with.

    The settings are checked first, so an unusable ``relais.toml`` (``SettingsError``) leaves the
    home untouched.
    """
    home = load_home(root, environ)
    prepare_home(home.root)
    return home
