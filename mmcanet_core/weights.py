"""Safe model weights: one ``.safetensors`` file with our JSON metadata in its header.

The tensors are stored with `safetensors` (no pickle, ever). The header's ``__metadata__`` holds
one key, ``"mmcanet"``, whose value is a JSON document describing how to rebuild and feed the
model::

    {"format": "mmcanet-weights", "format_version": 1,
     "model": {"name": "mmcanet", "options": {"in_channels": 3, "width": 32, ...}},
     "optical_bands": {"indices": [4, 3, 2], "names": ["B4", "B3", "B2"], "of": 13},
     "sar_bands": ["VV", "VH"],
     "normalisation": {"sar_db_clip": {"VV": [-25, 0], "VH": [-32.5, 0]},
                       "optical_dn_clip": [0, 10000]},
     "patch_size": 128, "trained_on": "...", "mmcanet_version": "0.1.0", ...extra}

:func:`read_metadata` parses only the header (it never touches tensor data); :func:`load_weights`
rebuilds the model with :func:`mmcanet_core.build_model` and loads the tensors strictly.
"""

import json
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, Dict, Sequence, Tuple

from .preprocess import OPTICAL_CLIP_DN, RGB_BANDS, S2_BANDS, SAR_BANDS, SAR_CLIP_DB

FORMAT = "mmcanet-weights"
FORMAT_VERSION = 1
METADATA_KEY = "mmcanet"
#: A safetensors header larger than this is not one of ours (real ones are a few kB).
MAX_HEADER_BYTES = 100 * 1024 * 1024
REQUIRED_KEYS = ("model", "optical_bands", "sar_bands", "normalisation", "patch_size")


class WeightsError(ValueError):
    """A weights file that cannot be used; the message names the problem and the fix."""


def band_names(indices: Sequence[int]) -> list:
    """1-based indices into a 13-band L1C scene -> Sentinel-2 band names (``"band N"`` beyond)."""
    return [S2_BANDS[i - 1] if 1 <= i <= len(S2_BANDS) else f"band {i}" for i in indices]


def default_optical_bands(in_channels: int) -> Tuple[int, ...]:
    """The bands a model with ``in_channels`` optical inputs expects: RGB (4, 3, 2) or all 13."""
    if in_channels == len(RGB_BANDS):
        return tuple(RGB_BANDS)
    if in_channels == len(S2_BANDS):
        return tuple(range(1, len(S2_BANDS) + 1))
    return tuple(range(1, in_channels + 1))


def build_metadata(
    *, name: str, options: Dict[str, Any], optical_bands: Sequence[int], trained_on: str,
    patch_size: int = 128, **extra,
) -> Dict[str, Any]:
    """The metadata document stored with the weights (see the module docstring)."""
    from . import __version__
    from .models import record_options

    indices = [int(i) for i in optical_bands]
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": {"name": str(name), "options": _jsonable(record_options(name, options))},
        "optical_bands": {"indices": indices, "names": band_names(indices), "of": len(S2_BANDS)},
        "sar_bands": list(SAR_BANDS),
        "normalisation": {
            "sar_db_clip": {band: list(SAR_CLIP_DB[band]) for band in SAR_BANDS},
            "optical_dn_clip": list(OPTICAL_CLIP_DN),
        },
        "patch_size": int(patch_size),
        "trained_on": str(trained_on),
        "mmcanet_version": __version__,
    }
    meta.update(_jsonable(extra))
    return meta


def save_weights(
    path, model, *, name: str, options: Dict[str, Any], optical_bands: Sequence[int],
    trained_on: str, patch_size: int = 128, **extra,
) -> Path:
    """Write ``model``'s state dict and metadata to ``path`` (.safetensors), atomically."""
    from safetensors.torch import save_file

    path = Path(path)
    meta = build_metadata(
        name=name, options=options, optical_bands=optical_bands, trained_on=trained_on,
        patch_size=patch_size, **extra,
    )
    # Shared or non-contiguous tensors cannot be saved as-is; each entry gets its own copy.
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata={METADATA_KEY: json.dumps(meta)})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def read_metadata(path) -> Dict[str, Any]:
    """Our metadata from a weights file's header, validated; no tensor is read."""
    header = _read_header(Path(path))
    block = header.get("__metadata__")
    raw = block.get(METADATA_KEY) if isinstance(block, dict) else None
    if raw is None:
        raise WeightsError(
            f"{path} is a safetensors file but has no MMCANet metadata (header key "
            f"{METADATA_KEY!r}); it was not written by mmcanet_core. Use weights saved with "
            "mmcanet_core.weights.save_weights (e.g. by `python -m mmcanet_core train`)."
        )
    try:
        meta = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise WeightsError(
            f"{path}: the MMCANet metadata is not valid JSON ({exc}); the file is damaged. "
            "Re-save or re-download the weights."
        ) from None
    _check_metadata(path, meta)
    return meta


def load_weights(path, device="cpu"):
    """Rebuild the model described by ``path``'s metadata and load its tensors.

    Returns ``(model in eval mode on device, metadata dict)``. Never unpickles anything.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    from .models import build_model, restore_options

    meta = read_metadata(path)
    name = meta["model"]["name"]
    options = restore_options(name, _build_options(meta["model"].get("options", {})))
    try:
        model = build_model(name, **options)
    except (ValueError, TypeError) as exc:
        raise WeightsError(
            f"{path}: cannot build model {name!r} with options {options}: {exc}. The file was "
            "written by another mmcanet_core version; upgrade mmcanet_core or use other weights."
        ) from None
    try:
        tensors = load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError(
            f"{path}: cannot read the tensors ({exc}); the file is truncated or damaged. "
            "Re-download or re-save the weights."
        ) from None
    _check_tensors(path, model, tensors)
    model.load_state_dict(tensors, strict=True)
    return model.to(device).eval(), meta


def _read_header(path: Path) -> Dict[str, Any]:
    """Parse a safetensors header (8-byte little-endian length + JSON) with clear errors."""
    if not path.is_file():
        raise WeightsError(f"weights file {path} does not exist; check the path.")
    size = path.stat().st_size
    not_ours = (
        f"{path} is not a safetensors weights file (expected an 8-byte header length followed "
        "by a JSON header). Pass a .safetensors file saved by mmcanet_core, not a raster, "
        "a PyTorch .pt/.pth pickle or another format."
    )
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise WeightsError(not_ours)
        (length,) = struct.unpack("<Q", head)
        if length > MAX_HEADER_BYTES:
            raise WeightsError(not_ours)
        if 8 + length > size:
            raise WeightsError(
                f"{path} is truncated: its header says {length} bytes but the file has "
                f"{size - 8}. Re-download or re-save the weights."
            )
        blob = f.read(length)
    try:
        header = json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WeightsError(not_ours) from None
    if not isinstance(header, dict):
        raise WeightsError(not_ours)
    try:
        data_end = max(
            (int(v["data_offsets"][1]) for k, v in header.items() if k != "__metadata__"),
            default=0,
        )
    except (TypeError, KeyError, IndexError, ValueError):
        raise WeightsError(not_ours) from None
    if 8 + length + data_end > size:
        raise WeightsError(
            f"{path} is truncated: its tensors need {data_end} bytes after the header but only "
            f"{size - 8 - length} are there. Re-download or re-save the weights."
        )
    return header


def _check_metadata(path, meta) -> None:
    """Reject metadata from another format, a newer format version, or missing fields."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise WeightsError(
            f"{path}: metadata is not in the {FORMAT!r} format; use weights saved by mmcanet_core."
        )
    version = meta.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise WeightsError(f"{path}: metadata has no valid format_version; the file is damaged.")
    if version > FORMAT_VERSION:
        raise WeightsError(
            f"{path} uses weights format version {version}, newer than this mmcanet_core "
            f"understands ({FORMAT_VERSION}). Upgrade the plugin / mmcanet_core package."
        )
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing or "name" not in meta.get("model", {}):
        raise WeightsError(
            f"{path}: metadata lacks {', '.join(missing) or 'model.name'}; the file is damaged or "
            "was edited by hand. Re-save the weights with mmcanet_core."
        )


def _check_tensors(path, model, tensors) -> None:
    """Every tensor the model needs is present with the right shape, and nothing else."""
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items()}
    missing = sorted(set(expected) - set(found))
    unexpected = sorted(set(found) - set(expected))
    wrong = sorted(k for k in set(expected) & set(found) if expected[k] != found[k])
    if missing or unexpected or wrong:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
        if wrong:
            k = wrong[0]
            parts.append(f"{len(wrong)} of another shape (e.g. {k}: {found[k]} vs {expected[k]})")
        raise WeightsError(
            f"{path}: the tensors do not match the model its metadata describes: "
            f"{'; '.join(parts)}. The metadata and tensors come from different models; "
            "re-save the weights with save_weights."
        )


def _jsonable(value):
    """Tuples -> lists recursively, so the metadata is plain JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _build_options(options: Dict[str, Any]) -> Dict[str, Any]:
    """JSON lists back to tuples (model options such as ``enc_blocks`` are tuples)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in options.items()}
