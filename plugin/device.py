"""What a device choice means on this machine, found off the GUI thread.

A choice is ``"<library>:<device>"``: ``torch:auto`` asks PyTorch (importing it takes
seconds), ``onnxruntime:auto`` asks onnxruntime which execution provider it would use.
:class:`DeviceProbe` does it on a worker thread and emits :attr:`DeviceProbe.resolved` on the GUI
thread, so the dock names the device before the first run starts. Answers are kept for the
session (a machine does not grow a GPU while QGIS runs).
"""

import threading
from typing import Dict, Tuple

from qgis.PyQt.QtCore import QObject, pyqtSignal

from .engine_text import device_text
from .i18n import tr

#: choice ("torch:auto", "onnxruntime:cpu", ...) -> (text, usable), for the whole session.
_ANSWERS: Dict[str, Tuple[str, bool]] = {}


def _torch_device(device: str) -> str:
    from mmcanet_core.inference import resolve_device

    return device_text(*resolve_device(device))


def _onnx_provider(device: str) -> str:
    import onnxruntime

    from mmcanet_core.backends.onnxrt import onnx_providers

    provider = onnx_providers(device, onnxruntime.get_available_providers())[0]
    name = provider[0] if isinstance(provider, tuple) else provider
    return tr("{0} (onnxruntime)").format(name)


def resolve(choice: str) -> Tuple[str, bool]:
    """(translated device text, usable) for a choice; imports its library (slow once)."""
    if choice not in _ANSWERS:
        library, _, device = choice.rpartition(":")
        try:
            find = _onnx_provider if library == "onnxruntime" else _torch_device
            _ANSWERS[choice] = (find(device), True)
        except Exception as error:  # noqa: BLE001 - e.g. CUDA chosen but absent: say why
            return str(error), False
    return _ANSWERS[choice]


class DeviceProbe(QObject):
    """Resolves device choices on worker threads; :attr:`resolved` carries
    ``(choice, text, usable)`` to the receiver's (GUI) thread."""

    resolved = pyqtSignal(str, str, bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.threads = []

    def probe(self, choice: str) -> None:
        """Emit the answer now when known, else find it on a worker thread."""
        if choice in _ANSWERS:
            self.resolved.emit(choice, *_ANSWERS[choice])
            return
        thread = threading.Thread(target=self._work, args=(choice,), daemon=True,
                                  name=f"mmcanet-device-{choice}")
        self.threads.append(thread)
        thread.start()

    def _work(self, choice: str) -> None:
        text, usable = resolve(choice)
        try:
            self.resolved.emit(choice, text, usable)
        except RuntimeError:  # the dock went away meanwhile (plugin unloaded)
            pass

    def wait(self, timeout_s: float = 30.0) -> None:
        """Join the worker threads (plugin unload)."""
        for thread in self.threads:
            thread.join(timeout_s)
        self.threads = []
