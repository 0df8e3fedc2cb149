"""Parcours: case management and evaluation for alternatives to immigration detention."""
