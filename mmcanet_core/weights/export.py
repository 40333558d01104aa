"""``python -m mmcanet_core export``: a ``.safetensors`` weights file as an ONNX model.

Weights stay safetensors (training reads and writes them); the ONNX file is a derived artefact
for inference without PyTorch (:mod:`mmcanet_core.backends`). It carries the weights' metadata
and the sha256 of the file it came from (:mod:`mmcanet_core.weights.onnx_file`), so a stale copy is
detectable.

Exporter: ``torch.export`` (non-strict) with dynamic batch, height and width, then
``torch.onnx.export`` of that program (the dynamo-based exporter, which needs onnxscript). The
TorchScript exporter cannot export the kernel-basis attention (its kernel is computed from the
bases) nor the MPIR stage sizes (``round(h * scale)``), and bakes every size into the graph.
Height and width are multiples of ``tile_multiple`` (16, or 32 for three-stage MPIR whose first
stage runs at 1/4 size), so the graph needs no padding branch; the export is then checked by
``onnx.checker`` and against PyTorch at sizes other than the traced one before it is renamed
into place.

``python -m mmcanet_core export --weights W.safetensors --output W.onnx``
"""

import builtins
import contextlib
import json
import logging
import os
import warnings
from pathlib import Path
from typing import Any, Dict

import numpy as np

from mmcanet_core import __version__
from mmcanet_core.errors import ExportError, WeightsError
from mmcanet_core.weights.checkpoint import METADATA_KEY, load_weights
from mmcanet_core.weights.onnx_file import (
    INPUTS,
    OUTPUT,
    UNCERTAINTY,
    is_onnx_path,
    open_session,
    output_names,
    sha256_file,
)

#: ONNX opset: 18 is the first with anti-aliased Resize (MPIR's down-sampling) and runs on
#: onnxruntime 1.14 and later.
OPSET = 18
#: ONNX IR version written: that of opset 18 (onnx 1.13), so older onnxruntime builds load it.
IR_VERSION = 8
#: Largest height / width the exported graph is specified for (its guards), in pixels.
MAX_SIDE = 8192
#: Largest difference to PyTorch accepted by the post-export check (outputs are in [0, 1]).
TOLERANCE = 1e-3


def tile_multiple(model) -> int:
    """Height / width multiple that keeps every stage of ``model`` free of padding.

    MMCANet pads to a multiple of 8 (three 2x down-samplings); an MPIR stage at scale s sees
    ``round(side * s)`` pixels, so sides must be multiples of ``8 / s``. At least 16, the
    inference tile multiple.
    """
    from mmcanet_core.models.mmcanet import STAGES

    smallest = min(getattr(model, "scales", (1.0,)))
    return max(16, int(round(2 ** (STAGES - 1) / smallest)))


def export_onnx(weights, output=None, *, verify: bool = True, overwrite: bool = False) -> Path:
    """Export ``weights`` (.safetensors) to ``output`` (.onnx, default: same stem); return it.

    Refuses to write over the weights, and over an existing ``output`` unless ``overwrite``;
    writes a part file beside ``output`` (:mod:`mmcanet_core.safety.partfiles`: removed on any
    failure, Ctrl-C, SIGTERM or SIGHUP; ``clean`` finds one a killed export left) and puts it
    into place only after ``onnx.checker`` and (``verify``) the comparison with PyTorch passed,
    without replacing a file that appeared meanwhile unless ``overwrite``.
    """
    from mmcanet_core.safety.partfiles import partial_output

    weights = Path(weights)
    output = Path(output) if output else weights.with_suffix(".onnx")
    _check_paths(weights, output, overwrite)
    with partial_output(output, overwrite=overwrite) as part:
        model, meta = load_weights(weights, device="cpu")
        multiple = tile_multiple(model)
        meta = dict(meta, onnx={
            "source": weights.name, "source_sha256": sha256_file(weights),
            "tile_multiple": multiple, "opset": OPSET, "exported_with": _torch_version(),
        })
        proto = _to_onnx(model, multiple, output_names(meta))
        _finish(proto, meta)
        import onnx

        onnx.save_model(proto, part, save_as_external_data=False)
        os.chmod(part, 0o644)
        if verify:
            _verify(part, model, multiple, output_names(meta))
    return output


def _check_paths(weights: Path, output: Path, overwrite: bool = False) -> None:
    if is_onnx_path(weights):
        raise WeightsError(f"{weights} is already an ONNX model; pass the .safetensors weights "
                           "it was exported from.")
    if not is_onnx_path(output):
        raise WeightsError(f"output {output} must end in .onnx (it would not be read as an ONNX "
                           "model, and must never replace the weights).")
    if output.is_dir():
        raise WeightsError(f"output {output} is a folder; give a file name inside it.")
    if not output.parent.is_dir():
        raise WeightsError(f"output folder {output.parent} does not exist; create it first.")
    if output.exists() and weights.exists() and output.samefile(weights):
        raise WeightsError(f"output {output} is the weights file itself; choose another name.")
    if output.exists() and not overwrite:
        raise WeightsError(f"output {output} already exists; pass --overwrite to replace it, or "
                           "choose another name.")


def _torch_version() -> str:
    import torch

    return f"torch {torch.__version__}"


def _forward(model, names):
    """The module whose outputs are the graph's ``names``: ``model`` itself, or (uncertainty
    head) a wrapper whose forward is ``model.forward_uncertainty`` -> (restored, scale)."""
    if UNCERTAINTY not in names:
        return model
    import torch

    class WithUncertainty(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner, self.in_channels = inner, inner.in_channels

        def forward(self, sar, optical):
            return self.inner.forward_uncertainty(sar, optical)

    return WithUncertainty(model).eval()


def _to_onnx(model, multiple: int, names=(OUTPUT,)):
    """``model`` -> ONNX ModelProto with dynamic batch, height and width (multiples of
    ``multiple``); outputs ``names`` (:func:`~mmcanet_core.weights.onnx_file.output_names`)."""
    import torch
    from onnxscript import INT64
    from onnxscript import opset18 as op

    def python_round(x, ndigits=None):  # MPIR's stage sizes, round(side * scale)
        return op.Cast(op.Round(x), to=INT64.dtype)  # half to even, as Python's round

    channels = model.in_channels
    side = 4 * multiple
    example = (torch.rand(2, 2, side, side), torch.rand(2, channels, side, side))
    batch = torch.export.Dim("batch", min=1, max=4096)
    height = multiple * torch.export.Dim("height_blocks", min=1, max=MAX_SIDE // multiple)
    width = multiple * torch.export.Dim("width_blocks", min=1, max=MAX_SIDE // multiple)
    dims = {name: {0: batch, 2: height, 3: width} for name in INPUTS}
    with _quiet(), torch.inference_mode(False), torch.no_grad():
        try:
            program = torch.export.export(_forward(model, names), example, dynamic_shapes=dims,
                                          strict=False)
            onnx_program = torch.onnx.export(
                program, (), dynamo=True, opset_version=OPSET, optimize=True, verbose=False,
                output_names=list(names), custom_translation_table={builtins.round: python_round},
            )
        except Exception as exc:
            raise ExportError(f"the ONNX export failed: {type(exc).__name__}: "
                              f"{str(exc).strip().splitlines()[0][:500]}") from exc
    return onnx_program.model_proto


@contextlib.contextmanager
def _quiet():
    """Silence the exporter's warnings and log lines (e.g. 'torchvision is not installed')."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _finish(proto, meta: Dict[str, Any]) -> None:
    """Readable input/output dimension names, our metadata, the IR version; then check.

    The exporter's annotations (Python stack traces with this checkout's paths, about a fifth of
    the file, and numbered shape symbols) are dropped, so the file depends only on the weights
    and the library versions.
    """
    import onnx

    graph = proto.graph
    for item in [graph, *graph.node, *graph.input, *graph.output, *graph.value_info,
                 *graph.initializer]:
        del item.metadata_props[:]
    for value in [*graph.input, *graph.output]:
        dims = value.type.tensor_type.shape.dim
        for index, name in ((0, "batch"), (2, "height"), (3, "width")):
            dims[index].dim_param = name
    del proto.metadata_props[:]
    proto.metadata_props.add(key=METADATA_KEY, value=json.dumps(meta))
    proto.ir_version = IR_VERSION
    proto.producer_name, proto.producer_version = "mmcanet_core", __version__
    proto.doc_string = (f"MMCANet cloud removal ({meta['model']['name']}), exported from "
                        f"{meta['onnx']['source']} by python -m mmcanet_core export")
    try:
        onnx.checker.check_model(proto, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise ExportError(f"the exported graph fails onnx.checker: {exc}") from None


def _verify(path, model, multiple: int, names=(OUTPUT,)) -> None:
    """onnxruntime and PyTorch agree at sizes other than the traced one, on every output
    (``names``: the restored image, and the uncertainty when the model has the head)."""
    import torch

    session, _ = open_session(path, ["CPUExecutionProvider"])
    generator = torch.Generator().manual_seed(0)
    forward = _forward(model, names)
    for n, h, w in ((1, 3 * multiple, 2 * multiple), (3, multiple, multiple)):
        sar = torch.rand(n, 2, h, w, generator=generator)
        optical = torch.rand(n, model.in_channels, h, w, generator=generator)
        with torch.inference_mode():
            expected = forward(sar, optical)
        expected = [expected] if isinstance(expected, torch.Tensor) else list(expected)
        got = session.run(list(names), {"sar": sar.numpy(), "optical": optical.numpy()})
        for name, want, have in zip(names, expected, got):
            want = want.numpy()
            diff = float(np.abs(have - want).max()) if have.shape == want.shape else np.inf
            if not diff <= TOLERANCE:
                raise ExportError(
                    f"the ONNX model's {name!r} output disagrees with PyTorch on a ({n}, {h}, "
                    f"{w}) input (largest difference {diff:.3g}, shapes {have.shape} vs "
                    f"{want.shape}); nothing was written. This is a bug in the exporter or the "
                    "model: please report it."
                )


