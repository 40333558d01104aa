"""QGIS entry point of the MMCANet cloud-removal plugin.

QGIS imports this folder as a package (named ``mmcanet`` once installed) and calls
:func:`classFactory`. The network lives in the Qt-free package ``mmcanet_core`` shipped inside
this folder, so the folder itself goes on ``sys.path`` before anything imports it.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


def classFactory(iface):  # noqa: N802 (QGIS's name)
    """Return the plugin instance QGIS asks for."""
    from .plugin.main import MMCANetPlugin

    return MMCANetPlugin(iface)
