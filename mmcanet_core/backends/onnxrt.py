"""The onnxruntime backend: an exported ONNX model in an onnxruntime session (no PyTorch)."""

from pathlib import Path
from typing import List, Optional

from mmcanet_core.backends.base import Backend
from mmcanet_core.errors import BackendError, BackendMemoryError
from mmcanet_core.weights.onnx_file import OUTPUT, UNCERTAINTY, open_session

AUTO_PROVIDERS = ("CUDAExecutionProvider", "DmlExecutionProvider")


PROVIDER_DEVICES = {"CUDAExecutionProvider": "cuda", "DmlExecutionProvider": "directml",
                    "CPUExecutionProvider": "cpu"}


class OnnxBackend(Backend):
    """An ONNX model in an onnxruntime session."""

    name = "onnxruntime"

    def __init__(self, path, device: str = "auto", threads: Optional[int] = None,
                 batch_size: int = 1):
        from mmcanet_core.weights.onnx_file import import_onnxruntime

        ort = import_onnxruntime()
        self.path = Path(path)
        self.providers = onnx_providers(device, ort.get_available_providers())
        self.session, self.metadata = open_session(self.path, self.providers, threads=threads)
        self.tile_multiple = int(self.metadata["onnx"]["tile_multiple"])
        self.threads, self.batch_size = threads, int(batch_size)
        self.provider = self.session.get_providers()[0]
        self.device = PROVIDER_DEVICES.get(self.provider, self.provider)
        self.reason = f"onnxruntime {self.provider}"
        self._version = ort.__version__

    @property
    def has_uncertainty(self) -> bool:
        """The graph has the ``uncertainty`` output (weights with the head, exported since)."""
        return UNCERTAINTY in [o.name for o in self.session.get_outputs()]

    def describe(self) -> str:
        threads = f", {self.threads} threads" if self.threads else ""
        return (f"onnxruntime {self._version} on {self.device}, float32 "
                f"({self.provider}{threads})")

    def _run(self, sar, optical, uncertainty=False):
        names = [OUTPUT, UNCERTAINTY] if uncertainty else [OUTPUT]
        try:
            out = self.session.run(names, {"sar": sar, "optical": optical})
            return out[0], (out[1] if uncertainty else None)
        except Exception as exc:  # onnxruntime's own exception types
            if "alloc" in str(exc).lower() and "memory" in str(exc).lower():
                raise BackendMemoryError(f"out of memory for {len(sar)} tile(s)") from None
            raise


def onnx_providers(device: str, available: List[str]) -> List:
    """onnxruntime providers for ``device`` given the ``available`` ones; CPU is always last."""
    device = (device or "auto").strip().lower()
    if device == "auto":
        return [p for p in AUTO_PROVIDERS if p in available] + ["CPUExecutionProvider"]
    if device == "cpu":
        return ["CPUExecutionProvider"]
    wanted = {"cuda": "CUDAExecutionProvider", "directml": "DmlExecutionProvider",
              "dml": "DmlExecutionProvider"}
    kind, _, index = device.partition(":")
    if kind not in wanted or (index and not index.isdigit()):
        raise BackendError(f"unknown device {device!r} for onnxruntime; use 'auto', 'cpu', "
                           "'cuda', 'cuda:N' or 'directml'.")
    provider = wanted[kind]
    if provider not in available:
        package = "onnxruntime-gpu" if kind == "cuda" else "onnxruntime-directml"
        raise BackendError(f"device {device!r} requested but this onnxruntime has no "
                           f"{provider} (it has {', '.join(available)}); install {package}, "
                           "or use device 'auto' or 'cpu'.")
    options = {"device_id": int(index)} if index else {}
    return [(provider, options), "CPUExecutionProvider"]
