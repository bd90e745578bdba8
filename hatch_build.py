"""Hatchling build hook: a wheel carries the files ``relais.shipped`` finds under ``relais/_shipped/``.

The mapping (checkout path to path in the wheel: ``sql``, ``docs/metrics.md``, ``seeds``) is the
``shipped`` table of ``[tool.hatch.build.targets.wheel.hooks.custom]`` in pyproject.toml. It is
applied to standard wheels only: hatchling copies forced inclusions into editable wheels too, and a
copy frozen at install time would sit beside a checkout whose own files ``relais.shipped`` reads.
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class ShippedFilesHook(BuildHookInterface):
    """Adds the shipped files to a standard wheel's forced inclusions; an editable wheel gets none."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Map each configured checkout path into the wheel when ``version`` is ``standard``."""
        if version == "standard":
            build_data["force_include"].update(self.config.get("shipped", {}))
