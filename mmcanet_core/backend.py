"""What the scene engine needs from whatever runs the network: the backend seam.

The engine (:mod:`mmcanet_core.engine`) never imports a deep-learning framework. It calls

* ``backend.predict(sar, optical) -> restored``: SAR ``(N, 2, T, T)`` and optical
  ``(N, C, T, T)``, float32 numpy arrays in [0, 1] (invalid pixels already filled); returns the
  restored optical ``(N, C, T, T)`` float32 numpy array, clamped to [0, 1]. Called from one
  thread only (the engine's calling thread), with batches of at most ``backend.batch_size``
  tiles; it may split a batch further (``batch_size`` then shrinks).
* ``backend.host_array(shape) -> np.ndarray``: an empty float32 array to stack a batch into
  (page-locked on CUDA, so the copy to the device is asynchronous and fast).
* ``backend.batch_size`` (int) and ``backend.describe()`` (one line for the log).

:class:`mmcanet_core.torch_backend.TorchBackend` implements it with PyTorch; an ONNX Runtime
backend needs only these four members.
"""

from typing import Protocol, Tuple

import numpy as np


class Backend(Protocol):
    """The interface the scene engine calls (module docstring)."""

    batch_size: int

    def predict(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        """(N, 2, T, T) + (N, C, T, T) float32 in [0, 1] -> (N, C, T, T) float32 in [0, 1]."""

    def host_array(self, shape: Tuple[int, ...]) -> np.ndarray:
        """An empty float32 array to fill with a batch."""

    def describe(self) -> str:
        """What runs the network, in a few words."""
