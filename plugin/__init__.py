"""QGIS side of the MMCANet plugin: provider, algorithm, dock, dependency installer."""
