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
     "patch_size": 128, "trained_on": "...", "mmcanet_version": "0.1.0",
     "payload_sha256": "<sha256 of the data section>", ...extra}

:func:`read_metadata` parses only the header (it never touches tensor data) and validates the
metadata fully with :func:`check_metadata` (which the ONNX backend reuses), so damaged or absurd
values are refused, with the fix, before anything is allocated. :func:`load_weights` reads the file
once, checks the tensor shapes against the described model, verifies the payload checksum (files
saved before checksums existed load with one :class:`WeightsWarning` per path), refuses NaN/Inf
weights, rebuilds the model with :func:`mmcanet_core.build_model` and loads the tensors strictly.
"""

import functools
import hashlib
import json
import math
import os
import struct
import tempfile
import warnings
from pathlib import Path
from typing import Any, Dict, Sequence, Tuple

from mmcanet_core.errors import WeightsError, WeightsWarning
from mmcanet_core.options import TILE_MULTIPLE
from mmcanet_core.preprocess import OPTICAL_CLIP_DN, RGB_BANDS, S2_BANDS, SAR_BANDS, SAR_CLIP_DB

FORMAT = "mmcanet-weights"
FORMAT_VERSION = 1
METADATA_KEY = "mmcanet"
#: A safetensors header larger than this is not one of ours (real ones are a few kB).
MAX_HEADER_BYTES = 100 * 1024 * 1024
REQUIRED_KEYS = ("model", "optical_bands", "sar_bands", "normalisation", "patch_size")
#: Metadata key holding the sha256 of the file's data section (every byte after the header).
CHECKSUM_KEY = "payload_sha256"
#: Metadata describing a larger network is refused (1 GiB of float32); the largest registered
#: model at its default options has about 27 M parameters.
MAX_PARAMETERS = 2**28
MAX_TILE = 4096
#: Bounds on integer model options, checked before the network is even described: widths,
#: channels, bases and kernels up to MAX_OPTION; counts of repeated blocks up to MAX_REPEAT.
MAX_OPTION = 1024
MAX_REPEAT = 64
REPEAT_WORDS = ("block", "num_orb", "num_cab")
#: Ranges a normalisation clip must lie in: dB for SAR, digital numbers for optical.
SAR_DB_RANGE = (-100.0, 50.0)
DN_RANGE = (0.0, 65535.0)
DAMAGED = "the file is damaged or was edited by hand; re-save or re-download the weights"

_warned_without_checksum: set = set()




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
    from mmcanet_core import __version__
    from mmcanet_core.models import record_options

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
    """Write ``model``'s state dict and metadata to ``path`` (.safetensors), atomically.

    The metadata gets the sha256 of the tensor data (:data:`CHECKSUM_KEY`); non-finite weights
    are refused (a diverged training run must not produce a checkpoint).
    """
    meta = build_metadata(
        name=name, options=options, optical_bands=optical_bands, trained_on=trained_on,
        patch_size=patch_size, **extra,
    )
    # Shared or non-contiguous tensors cannot be saved as-is; each entry gets its own copy.
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}
    _check_finite(path, tensors, "refusing to save them; did training diverge?")
    return _write(Path(path), tensors, meta)


def add_checksum(path, output=None) -> Path:
    """Re-save weights written before payload checksums, unchanged but for the checksum.

    ``output`` defaults to ``path`` (replaced atomically). The file must load as usual first.
    """
    from safetensors.torch import load

    path = Path(path)
    blob = _read_file(path)
    meta = _metadata_of(path, _header_of(path, blob))
    check_metadata(path, meta)
    tensors = load(blob)
    _check_finite(path, tensors, "refusing to re-save them")
    return _write(Path(output or path), tensors, meta)


def payload_sha256(tensors: Dict[str, Any]) -> str:
    """sha256 of the data section of a safetensors file holding ``tensors``.

    The data section (every byte after the header) depends on the tensors alone, never on the
    metadata, so it is serialised here once without metadata and hashed.
    """
    from safetensors.torch import save

    blob = save(tensors)
    (length,) = struct.unpack("<Q", blob[:8])
    return hashlib.sha256(memoryview(blob)[8 + length:]).hexdigest()


def read_metadata(path) -> Dict[str, Any]:
    """Our metadata from a weights file's header, fully validated; no tensor is read."""
    path = Path(path)
    meta = _metadata_of(path, _read_header(path))
    check_metadata(path, meta)
    return meta


def load_weights(path, device="cpu"):
    """Rebuild the model described by ``path``'s metadata and load its tensors.

    Returns ``(model in eval mode on device, metadata dict)``. Never unpickles anything. The file
    is read once: header, shapes (against the described model, before any allocation), payload
    checksum, then the tensors themselves, which must be finite.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load

    path = Path(path)
    blob = _read_file(path)
    header = _header_of(path, blob)
    meta = _metadata_of(path, header)
    check_metadata(path, meta)
    name = meta["model"]["name"]
    options = _build_options(name, meta["model"].get("options", {}))
    expected = {k: tuple(v.shape) for k, v in _skeleton(path, meta).state_dict().items()}
    found = {k: tuple(v["shape"]) for k, v in header.items() if k != "__metadata__"}
    _check_shapes(path, expected, found)
    _verify_checksum(path, meta, blob, header)
    try:
        tensors = load(blob)
    except (SafetensorError, ValueError) as exc:
        raise WeightsError(
            f"{path}: cannot read the tensors ({exc}); the file is truncated or damaged. "
            "Re-download or re-save the weights."
        ) from None
    _check_finite(path, tensors, "the network could not produce a valid image")
    from mmcanet_core.models import build_model

    model = build_model(name, **options)
    model.load_state_dict(tensors, strict=True)
    return model.to(device).eval(), meta


def check_metadata(source, meta, *, check_size: bool = True) -> None:
    """Validate a metadata document (from a weights file or an ONNX file named ``source``).

    Raises :class:`WeightsError` naming the field, the problem and the fix. Checks the format
    and version, the model name (registered) and options (bounded, buildable and at most
    :data:`MAX_PARAMETERS` parameters, counted on the ``meta`` device without allocating; skip
    that count with ``check_size=False`` when no PyTorch network is built from the options, as
    for ONNX), the SAR bands (VV, VH), the optical bands (1-based, distinct, within ``of``, as
    many as the model's ``in_channels``), the normalisation ranges (numeric, ordered, plausible)
    and ``patch_size`` / ``inference_tile`` (multiples of 16 up to :data:`MAX_TILE`).
    """
    _check_format(source, meta)
    _check_sar_bands(source, meta["sar_bands"])
    _check_optical_bands(source, meta["optical_bands"])
    _check_normalisation(source, meta["normalisation"], meta["sar_bands"])
    for key in ("patch_size", "inference_tile"):
        if key in meta or key == "patch_size":
            _check_side(source, key, meta[key])
    check_model(source, meta["model"], len(meta["optical_bands"]["indices"]),
                check_size=check_size)


def check_model(source, model: Dict[str, Any], optical_count: int, *, check_size: bool = True,
                fix: str = DAMAGED) -> None:
    """The ``{"name", "options"}`` part: a registered model, bounded options that build a
    network of at most :data:`MAX_PARAMETERS` (counted on the ``meta`` device, skipped with
    ``check_size=False``) taking ``optical_count`` optical bands. ``fix`` ends the messages
    about options."""
    _check_model(source, model, optical_count, fix)
    if check_size:
        _skeleton(source, {"model": model}, fix)


def model_parameters(model: Dict[str, Any]) -> int:
    """Parameter count of the network ``{"name", "options"}`` describes (``meta`` build)."""
    return sum(p.numel() for p in _skeleton("model", {"model": model}).parameters())


# --- reading ------------------------------------------------------------------------------


def _read_file(path: Path) -> bytes:
    _check_is_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise WeightsError(f"weights file {path} cannot be read ({exc.strerror}).") from None


def _check_is_file(path: Path) -> None:
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.safetensors"))
        hint = (f"; it holds {', '.join(inside[:3])}: pass one of them, e.g. "
                f"{path / inside[0]}" if inside else "; pass the .safetensors file itself")
        raise WeightsError(f"weights {path} is a folder, not a weights file{hint}.")
    if not path.is_file():
        raise WeightsError(f"weights file {path} does not exist; check the path.")


def _not_ours(path) -> WeightsError:
    return WeightsError(
        f"{path} is not a safetensors weights file (expected an 8-byte header length followed "
        "by a JSON header). Pass a .safetensors file saved by mmcanet_core, not a raster, "
        "a PyTorch .pt/.pth pickle or another format."
    )


def _read_header(path: Path) -> Dict[str, Any]:
    """Parse a safetensors header (8-byte little-endian length + JSON) with clear errors."""
    _check_is_file(path)
    with open(path, "rb") as f:
        head = f.read(8)
        length = _header_length(path, head, path.stat().st_size)
        return _parse_header(path, head + f.read(length), path.stat().st_size)


def _header_of(path: Path, blob: bytes) -> Dict[str, Any]:
    """The header of a whole file read into ``blob``."""
    _header_length(path, blob[:8], len(blob))
    return _parse_header(path, blob, len(blob))


def _header_length(path: Path, head: bytes, size: int) -> int:
    if len(head) < 8:
        raise _not_ours(path)
    (length,) = struct.unpack("<Q", head[:8])
    if length > MAX_HEADER_BYTES:
        raise _not_ours(path)
    if 8 + length > size:
        raise WeightsError(
            f"{path} is truncated: its header says {length} bytes but the file has "
            f"{size - 8}. Re-download or re-save the weights."
        )
    return length


def _parse_header(path: Path, blob: bytes, size: int) -> Dict[str, Any]:
    """``blob`` starts with the 8-byte length and holds at least the whole header."""
    (length,) = struct.unpack("<Q", blob[:8])
    try:
        header = json.loads(bytes(blob[8:8 + length]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise _not_ours(path) from None
    if not isinstance(header, dict):
        raise _not_ours(path)
    try:
        data_end = max(
            (int(v["data_offsets"][1]) for k, v in header.items() if k != "__metadata__"),
            default=0,
        )
    except (TypeError, KeyError, IndexError, ValueError):
        raise _not_ours(path) from None
    if 8 + length + data_end > size:
        raise WeightsError(
            f"{path} is truncated: its tensors need {data_end} bytes after the header but only "
            f"{size - 8 - length} are there. Re-download or re-save the weights."
        )
    return header


def _metadata_of(path, header: Dict[str, Any]) -> Dict[str, Any]:
    block = header.get("__metadata__")
    raw = block.get(METADATA_KEY) if isinstance(block, dict) else None
    if raw is None:
        raise WeightsError(
            f"{path} is a safetensors file but has no MMCANet metadata (header key "
            f"{METADATA_KEY!r}); it was not written by mmcanet_core. Use weights saved with "
            "mmcanet_core.weights.checkpoint.save_weights (e.g. by `python -m mmcanet_core train`)."
        )
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise WeightsError(
            f"{path}: the MMCANet metadata is not valid JSON ({exc}); the file is damaged. "
            "Re-save or re-download the weights."
        ) from None


def _verify_checksum(path: Path, meta, blob: bytes, header) -> None:
    """The data section matches the metadata's sha256; files without one: warn once."""
    expected = meta.get(CHECKSUM_KEY)
    if expected is None:
        key = str(path.resolve())
        if key not in _warned_without_checksum:
            _warned_without_checksum.add(key)
            warnings.warn(
                f"{path} has no payload checksum (saved before mmcanet_core checked them), so "
                "damaged tensor data cannot be detected. Add one with "
                "`python -c \"from mmcanet_core.weights.checkpoint import add_checksum; "
                f"add_checksum(r'{path}')\"`.", WeightsWarning, stacklevel=3,
            )
        return
    (length,) = struct.unpack("<Q", blob[:8])
    if hashlib.sha256(memoryview(blob)[8 + length:]).hexdigest() != expected:
        raise WeightsError(
            f"{path}: the tensor data does not match the checksum stored with it: the file was "
            "damaged after saving (bad download, disk or copy). Re-download or re-save the "
            "weights."
        )


def _write(path: Path, tensors, meta) -> Path:
    """``tensors`` + ``meta`` (with its checksum) to ``path`` through a temporary file."""
    from safetensors.torch import save_file

    meta = dict(meta)
    meta[CHECKSUM_KEY] = payload_sha256(tensors)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent or ".")
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata={METADATA_KEY: json.dumps(meta)})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


# --- checks -------------------------------------------------------------------------------


def _check_format(path, meta) -> None:
    """Reject metadata from another format, a newer format version, or missing fields."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise WeightsError(
            f"{path}: metadata is not in the {FORMAT!r} format; use weights saved by mmcanet_core."
        )
    version = meta.get("format_version")
    if not _is_int(version) or version < 1:
        raise WeightsError(f"{path}: metadata has no valid format_version; the file is damaged.")
    if version > FORMAT_VERSION:
        raise WeightsError(
            f"{path} uses weights format version {version}, newer than this mmcanet_core "
            f"understands ({FORMAT_VERSION}). Upgrade the plugin / mmcanet_core package."
        )
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    model = meta.get("model")
    if missing or not isinstance(model, dict) or "name" not in model:
        raise WeightsError(
            f"{path}: metadata lacks {', '.join(missing) or 'model.name'}; the file is damaged or "
            "was edited by hand. Re-save the weights with mmcanet_core."
        )


def _check_sar_bands(path, bands) -> None:
    if not isinstance(bands, list) or not all(isinstance(b, str) for b in bands):
        raise WeightsError(f"{path}: sar_bands {bands!r} is not a list of names; {DAMAGED}.")
    upper = [b.upper() for b in bands]
    if upper == list(SAR_BANDS) and bands == upper:
        return
    if {"HH", "HV"} & set(upper):
        raise WeightsError(
            f"{path}: the weights take SAR bands {', '.join(bands)}, but mmcanet_core reads "
            "Sentinel-1 VV + VH only (HH/HV dual polarisation, acquired over polar regions, is "
            "not supported). Use weights trained on VV, VH with a VV + VH raster."
        )
    raise WeightsError(
        f"{path}: sar_bands {bands} are not ['VV', 'VH'] (the only SAR input mmcanet_core "
        f"reads, in that order); {DAMAGED}."
    )


def _check_optical_bands(path, bands) -> None:
    if not isinstance(bands, dict):
        raise WeightsError(f"{path}: optical_bands {bands!r} is not an object; {DAMAGED}.")
    of, indices = bands.get("of", len(S2_BANDS)), bands.get("indices")
    if not _is_int(of) or not 1 <= of <= 64:
        raise WeightsError(f"{path}: optical_bands.of {of!r} is not a band count; {DAMAGED}.")
    if not isinstance(indices, list) or not indices or not all(_is_int(i) for i in indices):
        raise WeightsError(
            f"{path}: optical_bands.indices {indices!r} is not a list of 1-based band numbers; "
            f"{DAMAGED}."
        )
    bad = [i for i in indices if not 1 <= i <= of]
    if bad:
        raise WeightsError(
            f"{path}: optical band(s) {bad} are outside 1..{of} (1-based numbers of a {of}-band "
            f"scene); {DAMAGED}."
        )
    if len(set(indices)) != len(indices):
        raise WeightsError(f"{path}: optical_bands.indices {indices} repeats a band; {DAMAGED}.")
    names = bands.get("names", band_names(indices))
    if not isinstance(names, list) or len(names) != len(indices):
        raise WeightsError(
            f"{path}: optical_bands.names {names!r} does not name the {len(indices)} bands "
            f"{indices}; {DAMAGED}."
        )


def _check_normalisation(path, norm, sar_bands) -> None:
    clips = norm.get("sar_db_clip") if isinstance(norm, dict) else None
    if not isinstance(clips, dict) or sorted(clips) != sorted(sar_bands):
        raise WeightsError(
            f"{path}: normalisation.sar_db_clip must give a [low, high] dB range for each of "
            f"{sar_bands}, not {clips!r}; {DAMAGED}."
        )
    for band in sar_bands:
        _check_range(path, f"normalisation.sar_db_clip.{band}", clips[band], SAR_DB_RANGE, "dB")
    _check_range(path, "normalisation.optical_dn_clip", norm.get("optical_dn_clip"), DN_RANGE,
                 "DN")


def _check_range(path, key, value, bounds, unit) -> None:
    ok = (isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value)
          and bounds[0] <= value[0] < value[1] <= bounds[1])
    if not ok:
        raise WeightsError(
            f"{path}: {key} {value!r} is not an increasing [low, high] pair of numbers within "
            f"{bounds[0]:g}..{bounds[1]:g} {unit}; {DAMAGED}."
        )


def _check_side(path, key, value) -> None:
    if not _is_int(value) or not TILE_MULTIPLE <= value <= MAX_TILE or value % TILE_MULTIPLE:
        raise WeightsError(
            f"{path}: {key} {value!r} must be a whole number of pixels, a multiple of "
            f"{TILE_MULTIPLE} (the networks downsample by 16) from {TILE_MULTIPLE} to "
            f"{MAX_TILE}; {DAMAGED}."
        )


def _check_model(path, model, optical_count: int, fix: str) -> None:
    name, options = model.get("name"), model.get("options", {})
    known = _registered_models()
    if not isinstance(name, str) or (known is not None and name.lower() not in known):
        raise WeightsError(
            f"{path}: unknown model {name!r}; this mmcanet_core knows {', '.join(known or [])}. "
            "Upgrade mmcanet_core, or use weights of a known model."
        )
    if not isinstance(options, dict):
        raise WeightsError(f"{path}: model.options {options!r} is not an object; {fix}.")
    for key, value in options.items():
        limit = MAX_REPEAT if any(w in key for w in REPEAT_WORDS) else MAX_OPTION
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if not (v is None or isinstance(v, (bool, str)) or _is_number(v)):
                raise WeightsError(f"{path}: model option {key}={value!r} is not a number, "
                                   f"a flag or a name; {fix}.")
            if _is_number(v) and not isinstance(v, bool) and abs(v) > limit:
                raise WeightsError(
                    f"{path}: model option {key}={value!r} is beyond {limit}, far outside any "
                    f"trained MMCANet; {fix}."
                )
    channels = options.get("in_channels", 3)
    if channels != optical_count:
        raise WeightsError(
            f"{path}: the model takes {channels} optical band(s) (in_channels) but "
            f"optical_bands lists {optical_count}; {fix}."
        )
    if options.get("sar_channels", len(SAR_BANDS)) != len(SAR_BANDS):
        raise WeightsError(
            f"{path}: sar_channels {options['sar_channels']!r} is not 2 (VV, VH); {fix}."
        )


def _registered_models():
    """The registered model names, or None where PyTorch (which the registry needs) does not
    import: an ONNX file then runs its own graph, whose signature is checked when it opens."""
    try:
        from mmcanet_core.models import list_models
    except ImportError:
        return None
    return list_models()


def _skeleton(path, meta, fix: str = DAMAGED):
    """The described network on the ``meta`` device (no memory), size-checked."""
    name, options = meta["model"]["name"], meta["model"].get("options", {})
    try:
        model = _meta_model(name.lower(), json.dumps(options, sort_keys=True))
    except (ValueError, TypeError) as exc:
        why = ("the file was written by another mmcanet_core version; upgrade mmcanet_core or "
               "use other weights") if fix == DAMAGED else fix
        raise WeightsError(
            f"{path}: cannot build model {name!r} with options {options}: {exc}; {why}."
        ) from None
    count = sum(p.numel() for p in model.parameters())
    if count > MAX_PARAMETERS:
        raise WeightsError(
            f"{path}: the options describe a {name} of {count / 1e6:,.0f} M parameters "
            f"({count * 4 / 2**30:,.1f} GiB in float32), beyond the {MAX_PARAMETERS / 1e6:.0f} M "
            f"this package accepts (MMCANet has about 9 M); {fix}."
        )
    return model


@functools.lru_cache(maxsize=8)
def _meta_model(name: str, options_json: str):
    import torch

    from mmcanet_core.models import build_model

    with torch.device("meta"):
        return build_model(name, **_build_options(name, json.loads(options_json)))


def _check_shapes(path, expected, found) -> None:
    """Every tensor the model needs is present with the right shape, and nothing else."""
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


def _check_finite(path, tensors, consequence: str) -> None:
    """Every floating-point tensor is free of NaN and infinity."""
    import torch

    bad = [k for k, v in tensors.items() if v.is_floating_point() and not torch.isfinite(v).all()]
    if bad:
        raise WeightsError(
            f"{path}: {len(bad)} tensor(s) hold NaN or infinite values (e.g. {bad[0]}): "
            f"{consequence}. Use another checkpoint, e.g. an earlier epoch's."
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _jsonable(value):
    """Tuples -> lists recursively, so the metadata is plain JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _build_options(name: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """The options that rebuild ``name`` from a file: JSON lists back to tuples (options such as
    ``enc_blocks`` are tuples), and an option the file predates gets its older value
    (:func:`mmcanet_core.models.restore_options`)."""
    from mmcanet_core.models import restore_options

    return restore_options(name, {k: tuple(v) if isinstance(v, list) else v
                                  for k, v in options.items()})
