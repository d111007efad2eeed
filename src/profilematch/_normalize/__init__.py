"""Normalizers behind :mod:`profilematch.normalize`, one module per attribute."""
