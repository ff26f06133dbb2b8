"""Converters from public catalogues of administrative services into the register's import format."""
