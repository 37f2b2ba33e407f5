"""Benchmarks: scripts run on demand that print figures (see README.md here)."""
