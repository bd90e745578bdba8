"""Orchestration of Relais: the Dagster definitions, resources, settings and command line."""
