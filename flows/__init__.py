"""Prefect flows: thin wiring of the taiyaku stages."""
