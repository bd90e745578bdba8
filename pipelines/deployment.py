"""The code location of a deployment serving many organisations: the folder named by ``RELAIS_DEPLOYMENT``.

``RELAIS_DEPLOYMENT=DIR dagster dev -m pipelines.deployment`` serves every organisation home of
``DIR/organisations/`` as a partition of each asset (``pipelines.organisations``); an unusable
folder or ``relais-deployment.toml`` ends the process with one line saying what to fix. Nothing is
written when the definitions load.
"""

from pipelines.organisations import build_deployment_definitions, load_deployment_or_exit

defs = build_deployment_definitions(load_deployment_or_exit())
