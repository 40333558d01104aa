"""ONNX models as derived weights: our metadata inside them, and opening them safely.

An ``.onnx`` file made by ``python -m mmcanet_core export`` is the network of a ``.safetensors``
weights file as an ONNX graph (inputs ``sar`` (N, 2, H, W) and ``optical`` (N, C, H, W) in
[0, 1], output ``restored`` (N, C, H, W), and a second output ``uncertainty`` (N, 1, H, W), the
per-pixel Laplace scale, when the weights have the uncertainty head (model option
``uncertainty``; :mod:`mmcanet_core.models.uncertainty`)). Its ``metadata_props`` hold one key,
``"mmcanet"``, with the weights' JSON metadata (:mod:`mmcanet_core.weights.checkpoint`) plus an
``"onnx"`` entry::

    "onnx": {"source": "mmcanet_demo_rgb.safetensors", "source_sha256": "<hex>",
             "tile_multiple": 16, "opset": 18, "exported_with": "torch 2.13.0"}

``tile_multiple``: H and W must be multiples of it (the graph has no padding branch: sides are
multiples of the network's down-sampling factor). The metadata is validated with the same checks
as a weights file's. Nothing here imports PyTorch: this is the torch-free inference path, and it
needs only onnxruntime (imported when a model is opened).
"""

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from mmcanet_core.errors import WeightsError
from mmcanet_core.weights import checkpoint as weights
from mmcanet_core.weights.checkpoint import METADATA_KEY

#: Graph input and output names, and the rank of each (N, C, H, W).
INPUTS = ("sar", "optical")
OUTPUT = "restored"
#: The second output of a graph exported from weights with the uncertainty head.
UNCERTAINTY = "uncertainty"
#: An ONNX file is one protobuf message, which cannot exceed 2 GiB.
MAX_BYTES = 2**31
EXPORT_HINT = "python -m mmcanet_core export --weights W.safetensors --output W.onnx"


def is_onnx_path(path) -> bool:
    """Whether ``path`` names an ONNX model (by its ``.onnx`` suffix)."""
    return Path(path).suffix.lower() == ".onnx"


def sha256_file(path) -> str:
    """Hex sha256 of a file's bytes (an ONNX file records that of the weights it came from)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_onnx_metadata(path) -> Dict[str, Any]:
    """Our validated metadata from an ONNX file (the graph is parsed, not optimised)."""
    return open_session(path, ["CPUExecutionProvider"], optimize=False)[1]


def open_session(path, providers: List, *, threads: Optional[int] = None,
                 optimize: bool = True) -> Tuple[Any, Dict[str, Any]]:
    """An onnxruntime session for the ONNX file ``path`` and its validated metadata.

    The file is read into memory first (so a graph can never pull external data files from
    beside it). A file that is not ONNX, is truncated, lacks our metadata or has another
    signature raises :class:`WeightsError` naming the fix.
    """
    ort = import_onnxruntime()
    path = Path(path)
    blob = _read(path)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: warnings about unused initialisers are noise
    if threads:
        options.intra_op_num_threads = int(threads)
    if not optimize:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    try:
        session = ort.InferenceSession(blob, sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime raises its own exception types (InvalidProtobuf, Fail)
        reason = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise WeightsError(
            f"{path} is not a readable ONNX model ({reason}): it is truncated, damaged or not an "
            f"ONNX file. Re-create it from the .safetensors weights with `{EXPORT_HINT}`, or pass "
            "the .safetensors file itself."
        ) from None
    meta = _metadata(path, session.get_modelmeta().custom_metadata_map)
    _check_signature(path, session, meta)
    return session, meta


def import_onnxruntime():
    """The onnxruntime module, or a :class:`WeightsError` saying how to install it."""
    try:
        import onnxruntime
    except ImportError as exc:
        raise WeightsError(
            f"onnxruntime is not installed ({exc}); install it (`pip install onnxruntime`, or the "
            "plugin's light dependency set) to run .onnx models, or use the torch backend."
        ) from None
    return onnxruntime


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise WeightsError(f"ONNX model {path} does not exist; check the path.")
    if path.stat().st_size > MAX_BYTES:
        raise WeightsError(f"{path} is larger than 2 GiB, so it is not one of our ONNX models.")
    return path.read_bytes()


def _metadata(path: Path, props: Dict[str, str]) -> Dict[str, Any]:
    """Parse and validate the ``"mmcanet"`` metadata_props entry."""
    raw = props.get(METADATA_KEY)
    if raw is None:
        raise WeightsError(
            f"{path} is an ONNX model without MMCANet metadata (metadata_props key "
            f"{METADATA_KEY!r}): it was not exported by mmcanet_core, or it is truncated. Export "
            f"the .safetensors weights with `{EXPORT_HINT}`."
        )
    try:
        meta = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise WeightsError(
            f"{path}: the MMCANet metadata is not valid JSON ({exc}); the file is damaged. "
            f"Re-create it with `{EXPORT_HINT}`."
        ) from None
    _check_metadata(path, meta)
    info = meta.get("onnx")
    multiple = info.get("tile_multiple") if isinstance(info, dict) else None
    if not isinstance(multiple, int) or isinstance(multiple, bool) or multiple < 1:
        raise WeightsError(
            f"{path}: the MMCANet metadata has no valid onnx.tile_multiple; it was not written "
            f"by `python -m mmcanet_core export` or it was edited. Re-create it with "
            f"`{EXPORT_HINT}`."
        )
    return meta


def _check_metadata(path, meta) -> None:
    """The weights' own metadata validation (:mod:`mmcanet_core.weights.checkpoint`), reused as
    is."""
    check = getattr(weights, "check_metadata", None)  # the public, fuller check (issue 15)
    if check is not None:
        check(path, meta, check_size=False)
    else:
        weights._check_metadata(path, meta)


def has_uncertainty(meta: Dict[str, Any]) -> bool:
    """Whether weights (or an ONNX file) with this metadata predict the per-pixel scale."""
    return bool(meta["model"].get("options", {}).get("uncertainty", False))


def output_names(meta: Dict[str, Any]) -> List[str]:
    """The graph outputs an export of weights with this metadata has, in order."""
    return [OUTPUT, UNCERTAINTY] if has_uncertainty(meta) else [OUTPUT]


def _check_signature(path: Path, session, meta: Dict[str, Any]) -> None:
    """Inputs ``sar`` (N, 2, H, W) and ``optical`` (N, C, H, W) float; output ``restored``
    (N, C, H, W) (and ``uncertainty`` (N, 1, H, W) for weights with the head) where the graph
    states its channels."""
    channels = len(meta["optical_bands"]["indices"])
    found = {i.name: i for i in session.get_inputs()}
    given = {o.name: o for o in session.get_outputs()}
    outputs, wanted = list(given), output_names(meta)
    problems = []
    # An export from before the uncertainty output existed has only "restored": it still runs,
    # without the uncertainty (the backend says so).
    if set(found) != set(INPUTS) or outputs not in (wanted, [OUTPUT]):
        problems.append(f"inputs {sorted(found)} and outputs {outputs}, expected inputs "
                        f"{list(INPUTS)} and outputs {wanted}")
    else:
        expected = {"sar": (found["sar"], 2), "optical": (found["optical"], channels),
                    OUTPUT: (given[OUTPUT], channels), UNCERTAINTY: (given.get(UNCERTAINTY), 1)}
        for name, (value, bands) in expected.items():
            if value is None:
                continue
            shape, kind = value.shape, value.type
            if (kind != "tensor(float)" or len(shape) != 4
                    or (isinstance(shape[1], int) or name in INPUTS) and shape[1] != bands):
                problems.append(f"{name!r} is {kind} {shape}, expected float "
                                f"(N, {bands}, H, W)")
    if problems:
        raise WeightsError(
            f"{path}: the ONNX graph does not match its MMCANet metadata ({'; '.join(problems)}); "
            f"the file was edited or comes from elsewhere. Re-create it with `{EXPORT_HINT}`."
        )
