"""What Relais computes: pure parsers and models, with thin Dagster assets around them.

Pure modules (no Dagster import) hold the logic and are unit-tested directly; the modules whose
names end in ``_assets`` or ``_checks`` wrap them for Dagster. This package never imports
``pipelines``, which orchestrates it.
"""
