"""Renderers of results for people and programs: text lines and JSON."""
