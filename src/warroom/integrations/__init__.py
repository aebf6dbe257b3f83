"""Destinations of domain events beyond Slack, and the seam each implements (base.py)."""
