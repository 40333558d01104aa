"""Hostile reliability pass: every bad input and fault of issue 15 (and more) and of issue 24's
second pass (items ``24.N``: nested VRTs, part-file look-alikes, two runs at once, writes that
fail late, mask values, SAR that is not backscatter, band order, ...), through the CLI and
through ``qgis_process``, as a table (``docs/reliability.md`` with ``--docs``).

Every case runs in a fresh temporary folder holding COPIES of real data (the SEN12MS-CR demo pair
``ROIs1868_summer`` 19 p30: Sentinel-1 VV/VH dB + cloudy Sentinel-2 L1C, 13 bands uint16; the
shipped weights), made bad in one way. A row passes when the command either

- refuses with a one-line message naming the problem (exit status 2 for the CLI; ``qgis_process``
  exits 1 on any algorithm error), or
- writes an output that is verified (GeoTIFF on the optical grid, the input's dtype and value
  scale, mostly valid pixels, and where a variant of the demo scene was fed, the same values as
  the plain run converted to that scale),

and in both cases destroys nothing (every input file hashes as before) and leaves nothing behind
(no file it did not announce, no ``.part`` file). Signals are sent while the part file exists;
"disk full" uses a small tmpfs (Linux, root; otherwise the row says "not run"); a disk that fills
late is a file-size limit (RLIMIT_FSIZE) on the child.

Children run under ``nice`` with an 8 GiB address-space limit, so a case that would allocate
far more (``--tile 4096`` grew to 24 GB before the fix) fails fast instead of exhausting a shared
machine.

    python scripts/reliability.py [--only NAME ...] [--item 24. ...] [--no-qgis] [--docs] [--keep]
                                  [--jobs N] [--update]
"""

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np
import rasterio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from demo import qgis_env, qgis_process  # noqa: E402 - scripts/ is not a package
from docblock import read_raster  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SEN12MSCR = DATA / "sen12mscr"
S1 = SEN12MSCR / "ROIs1868_summer_s1/s1_19/ROIs1868_summer_s1_19_p30.tif"
S2 = SEN12MSCR / "ROIs1868_summer_s2_cloudy/s2_cloudy_19/ROIs1868_summer_s2_cloudy_19_p30.tif"
#: A real Sentinel-1 patch of another place (no overlap with the demo scene).
S1_ELSEWHERE = SEN12MSCR / "ROIs2017_winter_s1/s1_112/ROIs2017_winter_s1_112_p797.tif"
NOGEO = DATA / "sen12mscr_nogeo"
RGB = (4, 3, 2)
OUT_DOCS = ROOT / "docs" / "reliability.md"
OUT_BUILD = ROOT / "build" / "reliability"
MEMORY_LIMIT = 8 * 2**30
TIMEOUT = 300
#: Children's niceness (``--nice``): low priority on a shared machine by default.
NICE = 10
PYTHON = [sys.executable, "-m", "mmcanet_core"]


# --- one case's folder ---------------------------------------------------------------------


@dataclass
class Work:
    """A case's temporary folder with copies of the real demo pair and the shipped weights."""

    folder: Path
    sar: Path = None
    optical: Path = None
    weights: Path = None
    output: Path = None
    left_elsewhere: List[str] = field(default_factory=list)  # files left outside the folder

    @classmethod
    def make(cls, folder: Path, weights: str = "default") -> "Work":
        folder.mkdir(parents=True)
        w = cls(folder, folder / "s1.tif", folder / "s2.tif", folder / "w.safetensors",
                folder / "r.tif")
        shutil.copy(S1, w.sar)
        shutil.copy(S2, w.optical)
        shutil.copy(shipped_weights(weights), w.weights)
        return w

    def snapshot(self) -> Dict[Path, str]:
        """{file: sha256} of everything in the case's folders. A VRT is hashed by the sources
        it reads (QGIS has GDAL store statistics in it when it loads it, rewriting the file)."""
        files = {}
        for path in sorted(self.folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                if path.suffix == ".vrt":
                    data = b"|".join(re.findall(
                        rb"<(?:SourceFilename|SourceBand|SrcRect|DstRect)[^>]*>[^<]*", data))
                files[path] = hashlib.sha256(data).hexdigest()
        return files


def shipped_weights(kind: str = "default") -> Path:
    """The shipped default weights (13 bands), or ``kind="rgb"``: the shipped RGB variant (the
    cases that feed a 3-band file or pick 3 bands)."""
    from mmcanet_core.options import CHECKPOINT_DIR, shipped_checkpoint

    if kind == "default":
        return shipped_checkpoint()
    return CHECKPOINT_DIR / f"mmcanet_demo_{kind}.safetensors"


# --- making inputs bad ---------------------------------------------------------------------


def write_like(src: Path, dst: Path, data: np.ndarray, descriptions=None, tags=None,
               **profile) -> Path:
    """``data`` (C, H, W) as a GeoTIFF with ``src``'s georeferencing (``profile`` overrides)."""
    with rasterio.open(src) as ds:
        meta = ds.profile
    meta.update(count=data.shape[0], height=data.shape[1], width=data.shape[2],
                dtype=data.dtype.name, compress="deflate", predictor=1)
    meta.pop("blockxsize", None), meta.pop("blockysize", None), meta.pop("tiled", None)
    meta.update(profile)
    tmp = dst.with_name(dst.name + ".tmp.tif")
    with rasterio.open(tmp, "w", **meta) as out:
        out.write(data)
        for i, text in enumerate(descriptions or [], start=1):
            out.set_band_description(i, text)
        if tags:
            out.update_tags(**tags)
    os.replace(tmp, dst)
    return dst




def crop(w: Work, size: int) -> None:
    """Both inputs cut to ``size`` x ``size`` px at the scene's centre."""
    for path in (w.sar, w.optical):
        with rasterio.open(path) as ds:
            window = rasterio.windows.Window(120, 120, size, size)
            data, transform = ds.read(window=window), ds.window_transform(window)
        write_like(path, path, data, transform=transform)


def with_metadata(w: Work, change: Callable[[dict], None], checksum: bool = True) -> None:
    """Rewrite the weights' metadata through ``change`` (tensors untouched)."""
    from safetensors.torch import load_file, save_file

    from mmcanet_core.weights.checkpoint import CHECKSUM_KEY, payload_sha256

    with open(w.weights, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
    meta = json.loads(header["__metadata__"]["mmcanet"])
    tensors = load_file(str(w.weights))
    if checksum:
        meta[CHECKSUM_KEY] = payload_sha256(tensors)
    change(meta)
    save_file(tensors, str(w.weights), metadata={"mmcanet": json.dumps(meta)})


def set_key(path: str, value):
    """A ``with_metadata`` change setting a dotted key."""

    def change(meta):
        target = meta
        *parents, last = path.split(".")
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def without_checksum(w: Work) -> None:
    """The shipped weights with the payload checksum taken out of their metadata (as an older
    file, or one saved by other code, would be)."""
    from mmcanet_core.weights.checkpoint import CHECKSUM_KEY

    with_metadata(w, lambda meta: meta.pop(CHECKSUM_KEY, None), checksum=False)


def poison_weights(w: Work, value: float) -> None:
    """One weight set to NaN/Inf; the metadata's checksum matches the poisoned data."""
    from safetensors.torch import load_file, save_file

    from mmcanet_core.weights.checkpoint import CHECKSUM_KEY, payload_sha256

    with open(w.weights, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        meta = json.loads(json.loads(f.read(length))["__metadata__"]["mmcanet"])
    tensors = load_file(str(w.weights))
    name = sorted(k for k, v in tensors.items() if v.is_floating_point())[0]
    tensors[name].view(-1)[0] = value
    meta[CHECKSUM_KEY] = payload_sha256(tensors)
    save_file(tensors, str(w.weights), metadata={"mmcanet": json.dumps(meta)})


def flip_bits(w: Work) -> None:
    """Weights WITH a checksum whose tensor data then gets one flipped byte."""
    from mmcanet_core.weights.checkpoint import add_checksum

    add_checksum(w.weights)
    blob = bytearray(w.weights.read_bytes())
    (length,) = struct.unpack("<Q", blob[:8])
    blob[8 + length + (len(blob) - 8 - length) // 2] ^= 0x40
    w.weights.write_bytes(bytes(blob))


def all_band_weights(w: Work) -> None:
    """Untrained tiny 13-band weights (a real file of another band set)."""
    import torch

    from mmcanet_core import build_model
    from mmcanet_core.weights.checkpoint import save_weights

    options = dict(width=8, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1), in_channels=13)
    torch.manual_seed(0)
    save_weights(w.weights, build_model("mmcanet", **options), name="mmcanet", options=options,
                 optical_bands=range(1, 14), trained_on="untrained (reliability case)")


def variant_optical(make: Callable[[np.ndarray], np.ndarray], **kwargs):
    """A prepare step replacing the optical raster by ``make(its 13 bands)``."""

    def prepare(w: Work):
        write_like(w.optical, w.optical, make(read_raster(w.optical)), **kwargs)

    return prepare


def variant_sar(make: Callable[[np.ndarray], np.ndarray], **kwargs):
    def prepare(w: Work):
        write_like(w.sar, w.sar, make(read_raster(w.sar)), **kwargs)

    return prepare


def to_eight_bit(dn: np.ndarray) -> np.ndarray:
    return np.clip(dn / 3000.0 * 255, 0, 255).astype(np.uint8)


def reproject_sar(w: Work) -> None:
    """The SAR on another grid (EPSG:4326, ~its own resolution)."""
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    with rasterio.open(w.sar) as ds:
        transform, width, height = calculate_default_transform(
            ds.crs, "EPSG:4326", ds.width, ds.height, *ds.bounds)
        out = np.full((2, height, width), np.nan, dtype=np.float32)
        reproject(ds.read(), out, src_transform=ds.transform, src_crs=ds.crs,
                  dst_transform=transform, dst_crs="EPSG:4326", resampling=Resampling.bilinear,
                  dst_nodata=np.nan)
    write_like(w.sar, w.sar, out, crs="EPSG:4326", transform=transform, nodata=np.nan)


def half_sar(w: Work) -> None:
    """SAR covering only the scene's left half."""
    with rasterio.open(w.sar) as ds:
        window = rasterio.windows.Window(0, 0, ds.width // 2, ds.height)
        data, transform = ds.read(window=window), ds.window_transform(window)
    write_like(w.sar, w.sar, data, transform=transform)


def symlink_output_to_optical(w: Work) -> None:
    w.output = w.folder / "link.tif"
    w.output.symlink_to(w.optical)


def all_band_weights_and_rgb_file(w: Work) -> None:
    all_band_weights(w)
    variant_optical(lambda d: d[[3, 2, 1]])(w)


def absurd_width(w: Work) -> None:
    """Options that describe ~160 GB of weights (the issue's case)."""

    def change(meta):
        meta["model"]["options"].update(width=1024, num_bases=1024)

    with_metadata(w, change)


def pickle_weights(w: Work) -> None:
    import torch

    torch.save({"x": 1}, w.folder / "m.pt")


def vrt_optical(w: Work) -> None:
    """The optical given as a VRT whose source is s2.tif; the output is s2.tif."""
    vrt = w.folder / "s2.vrt"
    subprocess.run(["gdalbuildvrt", "-q", str(vrt), str(w.optical)], check=True)
    w.output = w.optical
    w.optical = vrt


# --- cases ---------------------------------------------------------------------------------

REFUSE, OUTPUT, SIGNAL = "refuse", "output", "signal"
#: What a refusal to write over a file the run reads says (today's engine, or the new guard).
READS = "reads|is an input"


@dataclass
class Case:
    name: str
    item: str  # the issue's item number(s), or "-" for cases beyond the issue's list
    expect: str  # REFUSE, OUTPUT or SIGNAL
    message: str = ""  # regex the refusal (or, for outputs, a warning) must match
    prepare: Optional[Callable[[Work], None]] = None
    options: Dict[str, Optional[str]] = field(default_factory=dict)  # CLI option overrides
    command: Optional[Callable[[Work], List[str]]] = None  # instead of `predict`
    verify: str = "dn"  # output check: "dn", "reflectance", "offset", "rgb", "plausible"
    qgis: bool = False  # also run through qgis_process
    cli: bool = True  # run through the CLI
    runner: str = "plain"  # "plain", "signal:<NAME>", "kill-then-rerun", "disk-full", "prefull",
    # "race" (two runs at once), "fsize:<bytes>" (a file-size limit: writes beyond it fail, a
    # disk that fills late), "preview-full" (the preview on a full tmpfs), "kill-then-clean"
    allowed: str = ""  # regex of file names the case may create, change or remove (its purpose)
    weights: str = "default"  # the shipped weights copied as w.safetensors: "default" or "rgb"


def predict_options(w: Work, overrides: Dict[str, Optional[str]]) -> Dict[str, Optional[str]]:
    options = {"--sar": str(w.sar), "--optical": str(w.optical), "--output": str(w.output),
               "--weights": str(w.weights)}
    for key, value in overrides.items():
        options[key] = value(w) if callable(value) else value
    return {k: v for k, v in options.items() if v is not False}


def cli_argv(options: Dict[str, Optional[str]]) -> List[str]:
    argv = []
    for key, value in options.items():
        argv += [key] if value is None else [key, str(value)]
    return argv


#: The Processing algorithm's DEVICE choices, in order.
DEVICES = ("auto", "cpu", "cuda")
#: predict option -> Processing parameter (options without one make a CLI-only case).
QGIS_PARAMS = {"--sar": "SAR", "--optical": "OPTICAL", "--output": "OUTPUT",
               "--weights": "WEIGHTS", "--bands": "OPTICAL_BANDS", "--tile": "TILE",
               "--overlap": "OVERLAP", "--batch-size": "BATCH_SIZE", "--device": "DEVICE",
               "--mask": "MASK", "--mask-values": "MASK_VALUES", "--mask-output": "MASK_OUTPUT"}


def cases() -> List[Case]:
    """Every case: issue 15's items 1-15, then the earlier hostile pass's other inputs."""
    out = lambda name: (lambda w: str(w.folder / name))  # noqa: E731
    sar = lambda w: str(w.sar)  # noqa: E731
    optical = lambda w: str(w.optical)  # noqa: E731
    weights = lambda w: str(w.weights)  # noqa: E731
    c = [
        Case("plain run (baseline)", "-", OUTPUT, qgis=True),
        # 1. --preview
        Case("preview is the optical input", "1", REFUSE, "preview .*reads",
             options={"--preview": optical}),
        Case("preview is the SAR input", "1", REFUSE, "preview .*reads",
             options={"--preview": sar}),
        Case("preview is the output", "1", REFUSE, "preview .*output",
             options={"--preview": lambda w: str(w.output)}),
        Case("preview is the weights", "1", REFUSE, "preview .*reads",
             options={"--preview": weights}),
        Case("preview folder missing", "1", REFUSE, "folder .* does not exist",
             options={"--preview": out("nowhere/p.png")}),
        Case("preview not .png", "1", REFUSE, r"\.png", options={"--preview": out("p.tif")}),
        Case("preview ok", "1", OUTPUT, options={"--preview": out("p.png")}),
        # 2. output = something the run reads
        Case("output is the weights file", "2", REFUSE, READS, qgis=True,
             options={"--output": weights}),
        Case("output is the optical input", "2", REFUSE, READS, qgis=True,
             options={"--output": optical}),
        Case("output is the SAR input", "2", REFUSE, READS, options={"--output": sar}),
        Case("output is a symlink to the optical", "2", REFUSE, READS,
             prepare=symlink_output_to_optical),
        Case("output via ../ is the optical", "2", REFUSE, READS,
             options={"--output": lambda w: str(w.folder / "sub" / ".." / "s2.tif")},
             prepare=lambda w: (w.folder / "sub").mkdir()),
        Case("output is a VRT input's source", "2", REFUSE, READS, prepare=vrt_optical),
        # 3. memory
        Case("--tile 4096 (24 GB before)", "3", REFUSE, r"--tile \d+", qgis=True,
             options={"--tile": "4096"}),
        Case("--batch-size 100000 (more than the scene's tiles)", "3", OUTPUT,
             options={"--batch-size": "100000"}),
        Case("--tile 7", "3", REFUSE, "multiple of 16", options={"--tile": "7"}),
        Case("--tile 0", "3", REFUSE, "multiple of 16|at least", options={"--tile": "0"}),
        Case("--tile -16", "3", REFUSE, "multiple of 16|at least", options={"--tile": "-16"}),
        Case("--overlap 1000", "3", REFUSE, "overlap", options={"--overlap": "1000"}),
        Case("--batch-size 0", "3", REFUSE, "batch size", options={"--batch-size": "0"}),
        # 4. nothing valid can come out
        Case("optical all zeros", "4", REFUSE, "no valid pixel|nothing valid", qgis=True,
             prepare=variant_optical(lambda d: np.zeros_like(d))),
        Case("optical all declared nodata", "4", REFUSE, "no valid pixel|nothing valid",
             prepare=variant_optical(lambda d: np.full_like(d, 7), nodata=7)),
        Case("optical all NaN (float)", "4", REFUSE, "no valid pixel|nothing valid",
             prepare=variant_optical(lambda d: np.full(d.shape, np.nan, np.float32))),
        Case("SAR all zeros", "4", REFUSE, "SAR.*no valid|nothing valid", qgis=True,
             prepare=variant_sar(lambda d: np.zeros_like(d))),
        Case("SAR all NaN", "4", REFUSE, "SAR.*no valid|nothing valid",
             prepare=variant_sar(lambda d: np.full_like(d, np.nan))),
        Case("weights hold NaN", "4", REFUSE, "NaN or infinite", qgis=True,
             prepare=lambda w: poison_weights(w, float("nan"))),
        Case("weights hold Inf", "4", REFUSE, "NaN or infinite",
             prepare=lambda w: poison_weights(w, float("inf"))),
        # 5. optical value scale
        Case("float reflectance 0..1", "5", OUTPUT, verify="reflectance", qgis=True,
             prepare=variant_optical(lambda d: (d / 10000.0).astype(np.float32))),
        Case("uint8 optical", "5", REFUSE, "8-bit", qgis=True,
             prepare=variant_optical(to_eight_bit)),
        Case("uint16 holding 0..255", "5", REFUSE, "8-bit",
             prepare=variant_optical(lambda d: to_eight_bit(d).astype(np.uint16))),
        Case("L2A offset +1000, stated in metadata", "5", OUTPUT, verify="offset", qgis=True,
             prepare=variant_optical(lambda d: d + np.uint16(1000),
                                     tags={f"BOA_ADD_OFFSET_B{i}": "-1000" for i in range(1, 14)})),
        Case("offset +1000 stated by --optical-scale", "5", OUTPUT, verify="offset",
             options={"--optical-scale": "offset"},
             prepare=variant_optical(lambda d: d + np.uint16(1000))),
        Case("offset +1000 unstated: said, not guessed", "5", OUTPUT, "--optical-scale offset",
             verify="plausible", prepare=variant_optical(lambda d: d + np.uint16(1000))),
        Case("percent reflectance 0..100", "5", REFUSE, "neither reflectance",
             prepare=variant_optical(lambda d: (d / 100.0).astype(np.float32))),
        Case("--optical-scale reflectance on DN", "5", REFUSE, "digital numbers",
             options={"--optical-scale": "reflectance"}),
        Case("--optical-scale bogus", "5", REFUSE, "optical.scale", options={
            "--optical-scale": "toa"}),
        # 6. corrupted tensors
        Case("flipped bits in the weights' tensors", "6", REFUSE, "checksum", qgis=True,
             prepare=flip_bits),
        Case("weights without checksum", "6", OUTPUT, "no payload checksum",
             prepare=without_checksum),
        # 7. tiny scenes, metadata values
        Case("1 x 1 scene", "7", REFUSE, "at least 16", qgis=True, prepare=lambda w: crop(w, 1)),
        Case("8 x 8 scene", "7", REFUSE, "at least 16", prepare=lambda w: crop(w, 8)),
        Case("16 x 16 scene", "7", OUTPUT, verify="plausible", prepare=lambda w: crop(w, 16)),
        Case("inference_tile 7 in metadata", "7", REFUSE, "inference_tile 7", qgis=True,
             prepare=lambda w: with_metadata(w, set_key("inference_tile", 7))),
        Case("patch_size 0 in metadata", "7", REFUSE, "patch_size 0",
             prepare=lambda w: with_metadata(w, set_key("patch_size", 0))),
        # 8. band order
        Case("VV/VH swapped (no descriptions)", "8", OUTPUT, "look swapped", verify="plausible",
             prepare=variant_sar(lambda d: d[::-1].copy())),
        Case("SAR described VH, VV", "8", REFUSE, "VH, VV",
             prepare=variant_sar(lambda d: d[::-1].copy(), descriptions=["VH", "VV"])),
        Case("SAR described HH, HV", "8", REFUSE, "HH, HV",
             prepare=variant_sar(lambda d: d, descriptions=["HH", "HV"])),
        Case("RGB file described B2, B3, B4", "8", REFUSE, "--bands 3,2,1",
             prepare=variant_optical(lambda d: d[[1, 2, 3]], descriptions=["B2", "B3", "B4"]),
             weights="rgb"),
        Case("RGB file described B4, B3, B2", "8", OUTPUT, verify="rgb",
             prepare=variant_optical(lambda d: d[[3, 2, 1]], descriptions=["B4", "B3", "B2"]),
             weights="rgb"),
        Case("13 bands described, --bands 2,3,4", "8", REFUSE, "--bands 4,3,2",
             options={"--bands": "2,3,4"},
             prepare=variant_optical(lambda d: d, descriptions=[
                 "B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11",
                 "B12"]), weights="rgb"),
        # 9. signals, stale parts
        Case("SIGTERM while writing", "9", SIGNAL, runner="signal:SIGTERM", qgis=True),
        Case("SIGHUP while writing", "9", SIGNAL, runner="signal:SIGHUP", qgis=True),
        Case("SIGINT while writing", "9", SIGNAL, runner="signal:SIGINT"),
        Case("SIGKILL, then a new run", "9", OUTPUT, runner="kill-then-rerun"),
        # 10. disk full
        Case("disk full while writing", "10", REFUSE, "no space left on", runner="disk-full"),
        Case("too little free space up front", "10", REFUSE, "free space|no space",
             runner="prefull"),
        # 11. metadata
        Case("metadata: SAR bands HH, HV", "11", REFUSE, "HH, HV", qgis=True,
             prepare=lambda w: with_metadata(w, set_key("sar_bands", ["HH", "HV"]))),
        Case("metadata: absurd width (160 GB)", "11", REFUSE, "parameters|beyond",
             prepare=absurd_width),
        Case("metadata: unknown model", "11", REFUSE, "unknown model",
             prepare=lambda w: with_metadata(w, set_key("model.name", "unet"))),
        Case("metadata: SAR clip reversed", "11", REFUSE, "sar_db_clip",
             prepare=lambda w: with_metadata(w, set_key("normalisation.sar_db_clip.VV", [0, -25]))),
        Case("metadata: band repeated", "11", REFUSE, "repeats",
             prepare=lambda w: with_metadata(w, set_key("optical_bands.indices", [4, 4, 2]))),
        Case("metadata: format version 99", "11", REFUSE, "version 99",
             prepare=lambda w: with_metadata(w, set_key("format_version", 99))),
        # 12. evaluate / train
        Case("evaluate: weights not safetensors", "12", REFUSE, "not a safetensors",
             command=lambda w: ["evaluate", "--weights", str(w.sar), "--data", str(SEN12MSCR),
                                "--out", str(w.folder / "eval")]),
        Case("evaluate: weights folder", "12", REFUSE, "is a folder",
             command=lambda w: ["evaluate", "--weights", str(w.folder), "--data", str(SEN12MSCR),
                                "--out", str(w.folder / "eval")]),
        Case("evaluate: data root missing", "12", REFUSE, "does not exist",
             command=lambda w: ["evaluate", "--data", str(w.folder / "nowhere"),
                                "--out", str(w.folder / "eval")]),
        Case("evaluate: empty split", "12", REFUSE, "no patches",
             command=lambda w: ["evaluate", "--data", str(w.folder), "--out",
                                str(w.folder / "eval")]),
        Case("train: data root missing", "12", REFUSE, "does not exist",
             command=lambda w: ["train", "--root", str(w.folder / "nowhere"), "--out",
                                str(w.folder / "run")]),
        Case("train: empty data into the user's folder", "12", REFUSE, "empty data",
             command=lambda w: ["train", "--root", str(w.folder), "--out", str(w.folder)]),
        Case("train: bad config file", "12", REFUSE, "cannot be parsed",
             prepare=lambda w: (w.folder / "c.json").write_text("{not json"),
             command=lambda w: ["train", "--config", str(w.folder / "c.json"), "--root",
                                str(SEN12MSCR), "--out", str(w.folder / "run")]),
        Case("train: bad --model-options", "12", REFUSE, "JSON",
             command=lambda w: ["train", "--root", str(SEN12MSCR), "--model-options", "{w: 8}",
                                "--out", str(w.folder / "run")]),
        Case("train: existing run without --resume", "12", REFUSE, "already holds a run",
             prepare=lambda w: (w.folder / "best.safetensors").write_bytes(b"earlier"),
             command=lambda w: ["train", "--root", str(SEN12MSCR), "--out", str(w.folder)]),
        # 13. output names
        Case("output .png", "13", REFUSE, "GeoTIFF", qgis=True,
             options={"--output": out("r.png")}),
        Case("output .jpg", "13", REFUSE, "GeoTIFF", options={"--output": out("r.jpg")}),
        Case("output .vrt", "13", REFUSE, "GeoTIFF", options={"--output": out("r.vrt")}),
        Case("output without extension", "13", REFUSE, "GeoTIFF", options={"--output": out("r")}),
        Case("output .tiff", "13", OUTPUT, options={"--output": out("r.tiff")}),
        # 14. existing output
        Case("existing output, no --overwrite", "14", REFUSE, "--overwrite",
             prepare=lambda w: w.output.write_bytes(b"the user's earlier result")),
        Case("existing output, --overwrite", "14", OUTPUT, options={"--overwrite": None},
             prepare=lambda w: w.output.write_bytes(b"the user's earlier result")),
        Case("existing output through Processing (replaced)", "14", OUTPUT, qgis=True, cli=False,
             prepare=lambda w: w.output.write_bytes(b"the user's earlier result")),
        # 15. messages
        Case("--bands -1,3,2", "15", REFUSE, "start at 1|1-based|from 1 to", qgis=True,
             options={"--bands": "-1,3,2"}),
        Case("--bands 4,4,4", "15", REFUSE, "repeats band 4", qgis=True,
             options={"--bands": "4,4,4"}),
        Case("--bands 4,3", "15", REFUSE, r"takes 3", options={"--bands": "4,3"}, weights="rgb"),
        Case("--bands 14,3,2", "15", REFUSE, "do not exist", options={"--bands": "14,3,2"},
             weights="rgb"),
        Case("--bands x", "15", REFUSE, "band numbers|list like", options={"--bands": "x"}),
        Case("13-band weights, RGB file", "15", REFUSE, "take 13 optical bands",
             prepare=all_band_weights_and_rgb_file),
        Case("--weights is a folder", "15", REFUSE, "is a folder", qgis=True,
             options={"--weights": lambda w: str(w.folder)}),
        Case("--weights missing", "15", REFUSE, "does not exist",
             options={"--weights": out("nope.safetensors")}),
        Case("--weights is a pickle", "15", REFUSE, "not a safetensors",
             prepare=pickle_weights,
             options={"--weights": out("m.pt")}),
        Case("--weights is a GeoTIFF", "15", REFUSE, "not a safetensors",
             options={"--weights": optical}),
        # beyond the list: the earlier pass's other inputs
        Case("SAR missing", "-", REFUSE, "does not exist", options={"--sar": out("no.tif")}),
        Case("optical missing", "-", REFUSE, "does not exist|not found", qgis=True,
             options={"--optical": out("no.tif")}),
        Case("optical is a text file", "-", REFUSE, "cannot be read|not recognized",
             prepare=lambda w: w.optical.write_text("not a raster")),
        Case("optical without georeferencing", "-", REFUSE, "georeferencing",
             prepare=lambda w: shutil.copy(next(iter(sorted(
                 (NOGEO / "s2_cloudy").glob("*.tif")))), w.optical)),
        Case("SAR of another place", "-", REFUSE, "do not overlap",
             prepare=lambda w: shutil.copy(S1_ELSEWHERE, w.sar)),
        Case("SAR with 1 band", "-", REFUSE, "2 \\(VV, VH", prepare=variant_sar(lambda d: d[:1])),
        Case("SAR with 3 bands", "-", REFUSE, "2 \\(VV, VH",
             prepare=variant_sar(lambda d: np.concatenate([d, d[:1]]))),
        Case("SAR in linear power", "-", OUTPUT, verify="dn",
             prepare=variant_sar(lambda d: (10 ** (d / 10)).astype(np.float32))),
        Case("SAR on another grid (EPSG:4326)", "-", OUTPUT, verify="plausible",
             prepare=reproject_sar),
        Case("SAR covers half the scene", "-", OUTPUT, verify="plausible", prepare=half_sar),
        Case("RGB 3-band file", "-", OUTPUT, verify="rgb",
             prepare=variant_optical(lambda d: d[[3, 2, 1]]), weights="rgb"),
        Case("--device cuda without a GPU", "-", REFUSE, "CUDA|cuda", qgis=True,
             options={"--device": "cuda"}),
        Case("--device foo", "-", REFUSE, "device", options={"--device": "foo"}),
        Case("--sar-scale bogus", "-", REFUSE, "sar-scale|invalid choice",
             options={"--sar-scale": "x"}),
        Case("--half on the CPU", "-", OUTPUT, verify="plausible", options={"--half": None}),
        Case("no --weights (shipped checkpoint)", "-", OUTPUT, options={"--weights": False}),
        Case("empty weights file", "-", REFUSE, "not a safetensors",
             prepare=lambda w: w.weights.write_bytes(b"")),
        Case("truncated weights", "-", REFUSE, "truncated",
             prepare=lambda w: w.weights.write_bytes(w.weights.read_bytes()[:4000])),
        Case("metadata is not JSON", "-", REFUSE, "not valid JSON",
             prepare=lambda w: with_metadata_raw(w, "{not json")),
    ]
    return c + round_two()


def round_two() -> List[Case]:
    """Issue 24 ("Safety, round two"): the 33 failures of the second hostile pass (item 24.N is
    its row N; rows 6 and 10, output nodata and ONNX output shapes, have their own rows)."""
    out = lambda name: (lambda w: str(w.folder / name))  # noqa: E731
    overwrite = {"--overwrite": None}
    return [
        # 1. nested VRTs, /vsi paths
        Case("nested VRT optical, output its source, --overwrite", "24.1", REFUSE, READS,
             prepare=nested_vrt_optical(2), options=overwrite),
        Case("nested VRT optical, output its source (Processing)", "24.1", REFUSE, READS,
             qgis=True, cli=False, prepare=nested_vrt_optical(2)),
        Case("VRT of VRT of VRT optical, output its source", "24.1", REFUSE, READS,
             prepare=nested_vrt_optical(3), options=overwrite),
        Case("nested VRT mask, --mask-output its source", "24.1", REFUSE, READS,
             prepare=nested_vrt_mask, options={"--overwrite": None, "--mask": out("outer.vrt"),
                                               "--mask-output": out("m.tif")}),
        Case("nested VRT mask, MASK_OUTPUT its source (Processing)", "24.1", REFUSE, READS,
             qgis=True, cli=False, prepare=nested_vrt_mask,
             options={"--mask": out("outer.vrt"), "--mask-output": out("m.tif")}),
        Case("optical inside a zip (/vsizip/), output the zip", "24.1", REFUSE, READS,
             prepare=zipped_optical, options=overwrite),
        # 2, 15. only what is provably ours is removed
        Case("predict beside the user's .r.2019.part.tif", "24.2", OUTPUT, qgis=True,
             prepare=user_part_lookalikes),
        Case("clean keeps the user's part-like files", "24.2", OUTPUT, prepare=user_part_lookalikes,
             command=lambda w: ["clean", str(w.folder)]),
        Case("clean removes a killed run's part file", "24.2", OUTPUT, "removing",
             prepare=stale_part, allowed=r"\.r\.tif\.mmcanet-.*\.part\.tif(\.aux\.xml)?",
             command=lambda w: ["clean", str(w.folder)]),
        Case("clean on a folder named like a part file", "24.15", OUTPUT, prepare=part_folder,
             command=lambda w: ["clean", str(w.folder)]),
        Case("clean on a part name with a huge process id", "24.15", OUTPUT, prepare=huge_pid,
             command=lambda w: ["clean", str(w.folder)]),
        # 3. the overwrite rule everywhere
        Case("export --output an existing .onnx", "24.3", REFUSE, "--overwrite",
             prepare=lambda w: (w.folder / "m.onnx").write_bytes(b"the user's model"),
             command=lambda w: ["export", "--weights", str(w.weights), "--output",
                                str(w.folder / "m.onnx")]),
        Case("evaluate --out holding results", "24.3", REFUSE, "--overwrite",
             prepare=earlier_results,
             command=lambda w: ["evaluate", "--data", str(SEN12MSCR), "--max-patches", "1",
                                "--out", str(w.folder / "eval")]),
        # 4. two runs at once
        Case("two runs at once, one output", "24.4", OUTPUT, "appeared while|already exists",
             runner="race"),
        # 5. a write that fails late
        Case("file-size limit below the output (fails at the last write)", "24.5", REFUSE,
             "could not be written|no space|file too large", runner="fsize:200000", qgis=True),
        Case("file-size limit: output fits, --mask-output too, preview does not", "24.5", REFUSE,
             "preview is missing", runner="fsize:300000", allowed=r"(r|m)\.tif",
             weights="rgb", prepare=variant_optical(lambda d: d[[3, 2, 1]]),
             options={"--mask-output": out("m.tif"), "--preview": out("p.png")}),
        # 7. mask values that do not fit the mask
        Case("0/255 mask with the binary default", "24.7", REFUSE, "mask-values 255", qgis=True,
             prepare=mask_file(lambda cloudy: np.where(cloudy, 255, 0)),
             options={"--mask": out("mask.tif")}),
        Case("SCL layer without --mask-values scl", "24.7", REFUSE, "mask-values scl",
             qgis=True, prepare=mask_file(lambda cloudy: np.where(cloudy, 9, 4)),
             options={"--mask": out("mask.tif")}),
        Case("0/255 mask with --mask-values 255", "24.7", OUTPUT, verify="plausible",
             prepare=mask_file(lambda cloudy: np.where(cloudy, 255, 0)),
             options={"--mask": out("mask.tif"), "--mask-values": "255"}),
        Case("mask marking nothing: warned", "24.7", OUTPUT, "holds none of the mask values",
             verify="plausible", prepare=mask_file(lambda cloudy: np.full(cloudy.shape, 5)),
             options={"--mask": out("mask.tif"), "--mask-values": "scl"}),
        # 8. SAR that is not calibrated backscatter
        Case("SAR as uint16 DN", "24.8", REFUSE, r"digital numbers or\s+amplitude", qgis=True,
             prepare=variant_sar(lambda d: (10 ** (d / 20) * 1000).astype(np.uint16))),
        Case("SAR as float amplitude", "24.8", REFUSE, "amplitude", qgis=True,
             prepare=variant_sar(lambda d: (10 ** (d / 20)).astype(np.float32))),
        Case("SAR in dB x 100 (int16)", "24.8", REFUSE, "not converted",
             prepare=variant_sar(lambda d: (d * 100).astype(np.int16))),
        Case("SAR amplitude with --sar-scale linear", "24.8", REFUSE, "amplitude",
             options={"--sar-scale": "linear"},
             prepare=variant_sar(lambda d: (10 ** (d / 20)).astype(np.float32))),
        # 9. band order
        Case("plain run says which bands were used", "24.9", OUTPUT,
             "optical bands 1,2,3,.*,13 used as B1, B2, B3, .*, B12"),
        Case("3-band B2, B3, B4 file, no descriptions: warned", "24.9", OUTPUT, "ASSUMED",
             verify="plausible", qgis=True, prepare=variant_optical(lambda d: d[[1, 2, 3]]),
             weights="rgb"),
        Case("13-band file in reverse order", "24.9", REFUSE, "not in the order", qgis=True,
             prepare=variant_optical(lambda d: d[::-1].copy())),
        Case("13 bands named in band metadata, --bands 2,3,4", "24.9", REFUSE, "--bands 4,3,2",
             options={"--bands": "2,3,4"}, prepare=band_name_tags, weights="rgb"),
        Case("13 bands named in band metadata: used", "24.9", OUTPUT,
             "from the band descriptions", prepare=band_name_tags),
        # 11. SAR over part of the scene, composite
        Case("SAR covers half the scene: says what composite does", "24.11", OUTPUT,
             "clear pixels are kept", verify="plausible", qgis=True, prepare=half_sar),
        Case("SAR covers half the scene, --raw: rest nodata", "24.11", OUTPUT,
             "the rest will be nodata", verify="plausible", options={"--raw": None},
             prepare=half_sar),
        # 12. overlap against the real tile
        Case("--overlap 100 without --tile (tile 256)", "24.12", OUTPUT, verify="plausible",
             qgis=True, options={"--overlap": "100"}),
        Case("--overlap 200 without --tile", "24.12", REFUSE, "tile is 256 px.*at most 128",
             qgis=True, options={"--overlap": "200"}),
        # 13. an existing folder as the output
        Case("output an existing folder without extension", "24.13", REFUSE, "is a folder",
             qgis=True, prepare=lambda w: (w.folder / "results").mkdir(),
             options={"--output": out("results")}),
        Case("output an existing folder named .tif", "24.13", REFUSE, "is a folder",
             prepare=lambda w: (w.folder / "d.tif").mkdir(), options={"--output": out("d.tif")}),
        # 14. preview on a full disk
        Case("--preview on a full file system", "24.14", REFUSE, "free space.*preview|preview",
             runner="preview-full", options={"--preview": out("p.png")}),
        # 16. signals during export
        Case("export: SIGTERM while writing", "24.16", SIGNAL, runner="signal:SIGTERM",
             command=lambda w: ["export", "--weights", str(w.weights)]),
        Case("export: Ctrl-C while writing", "24.16", SIGNAL, "cancelled",
             runner="signal:SIGINT", command=lambda w: ["export", "--weights", str(w.weights)]),
        Case("export: SIGKILL, then clean", "24.16", OUTPUT, "removing", runner="kill-then-clean",
             command=lambda w: ["export", "--weights", str(w.weights)]),
        # 17. memory of a very wide scene
        Case("262144 x 256 scene: the estimate names the strips", "24.17", OUTPUT,
             "the scene's strips", verify="plausible", prepare=very_wide,
             options={"--mask": out("clear.tif"), "--tile": "256"}),
    ]


def nested_vrt_optical(depth: int):
    """The optical as a VRT of a VRT ... (``depth`` levels) of s2.tif; the output is s2.tif."""

    def prepare(w: Work) -> None:
        source = w.optical
        for level in range(depth):
            vrt = w.folder / f"level{level}.vrt"
            subprocess.run(["gdalbuildvrt", "-q", str(vrt), str(source)], check=True)
            source = vrt
        w.output, w.optical = w.optical, source

    return prepare


def nested_vrt_mask(w: Work) -> None:
    """A 0/1 mask m.tif given as outer.vrt -> inner.vrt -> m.tif; --mask-output names m.tif."""
    mask_file(lambda cloudy: cloudy.astype(np.uint8), "m.tif")(w)
    subprocess.run(["gdalbuildvrt", "-q", str(w.folder / "inner.vrt"), str(w.folder / "m.tif")],
                   check=True)
    subprocess.run(["gdalbuildvrt", "-q", str(w.folder / "outer.vrt"),
                    str(w.folder / "inner.vrt")], check=True)


def zipped_optical(w: Work) -> None:
    """The optical read through /vsizip/ from pack.tif (a zip file with a .tif name), which is
    also the output."""
    archive = w.folder / "pack.tif"
    subprocess.run(["zip", "-q", "-j", str(w.folder / "pack.zip"), str(w.optical)], check=True)
    os.replace(w.folder / "pack.zip", archive)
    w.output, w.optical = archive, Path(f"/vsizip/{archive}/s2.tif")


def user_part_lookalikes(w: Work) -> None:
    """The user's own files named like part files (of the old scheme and of none)."""
    shutil.copy(w.optical, w.folder / ".r.2019.part.tif")
    shutil.copy(w.optical, w.folder / ".scene.20230615.part.tif")
    (w.folder / ".scene.20230615.part.tif.aux.xml").write_text("<PAMDataset/>")
    (w.folder / ".holiday.2019.part.tif").write_bytes(b"the user's holiday")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def stale_part(w: Work) -> None:
    """A part file of a killed run (our exact name, a process that is gone) and its side file,
    beside the user's look-alikes."""
    from mmcanet_core.safety.partfiles import part_path

    user_part_lookalikes(w)
    part = part_path(w.output, dead_pid())
    part.write_bytes(w.optical.read_bytes()[:5000])
    Path(str(part) + ".aux.xml").write_text("<PAMDataset/>")


def part_folder(w: Work) -> None:
    """A folder (with a file of the user's inside) named exactly like a killed run's part."""
    from mmcanet_core.safety.partfiles import part_path

    folder = part_path(w.output, dead_pid())
    folder.mkdir()
    (folder / "notes.txt").write_text("the user's")


def huge_pid(w: Work) -> None:
    from mmcanet_core.safety.partfiles import host_tag

    (w.folder / f".r.tif.mmcanet-{host_tag()}-{'9' * 10}.part.tif").write_bytes(b"x")
    (w.folder / f".r.{'9' * 40}.part.tif").write_bytes(b"the user's")


def earlier_results(w: Work) -> None:
    (w.folder / "eval").mkdir()
    (w.folder / "eval" / "results.csv").write_text("the user's earlier results\n")
    (w.folder / "eval" / "results.md").write_text("# the user's earlier results\n")


def cloudy_pixels(w: Work) -> np.ndarray:
    """(H, W) bool: bright pixels of the demo scene (B2 above its 70th percentile)."""
    blue = read_raster(w.optical, 2).astype(np.float64)
    return blue > np.percentile(blue, 70)


def mask_file(make: Callable[[np.ndarray], np.ndarray], name: str = "mask.tif"):
    """A prepare step writing ``make(cloudy pixels)`` as a one-band uint8 mask on the grid."""

    def prepare(w: Work) -> None:
        values = make(cloudy_pixels(w)).astype(np.uint8)[None]
        write_like(w.optical, w.folder / name, values, nodata=None)

    return prepare


def band_name_tags(w: Work) -> None:
    """The 13 bands named only in each band's metadata (BANDNAME=B1...), as GDAL's SENTINEL2
    driver does, with no band descriptions."""
    from mmcanet_core.preprocess import S2_BANDS

    with rasterio.open(w.optical, "r+") as ds:
        for b, name in enumerate(S2_BANDS, start=1):
            ds.update_tags(b, BANDNAME=name)


def very_wide(w: Work) -> None:
    """A 262144 x 256 scene (the demo patch 1024 times side by side) and an all-clear user mask,
    so the network is never run: what remains is the engine's own memory."""
    width = 256 * 1024
    for path in (w.optical, w.sar):
        with rasterio.open(path) as ds:
            data, profile = ds.read(), ds.profile
        profile.update(width=width, tiled=True, blockxsize=256, blockysize=256,
                       compress="deflate")
        tmp = path.with_name("wide.tmp.tif")
        with rasterio.open(tmp, "w", **profile) as out:
            for i in range(1024):
                out.write(data, window=rasterio.windows.Window(256 * i, 0, 256, 256))
        os.replace(tmp, path)
    with rasterio.open(w.optical) as ds:
        profile = dict(ds.profile, count=1, dtype="uint8", nodata=None)
    with rasterio.open(w.folder / "clear.tif", "w", **profile) as out:
        for i in range(1024):
            out.write(np.zeros((1, 256, 256), np.uint8),
                      window=rasterio.windows.Window(256 * i, 0, 256, 256))


def with_metadata_raw(w: Work, text: str) -> None:
    from safetensors.torch import load_file, save_file

    save_file(load_file(str(w.weights)), str(w.weights), metadata={"mmcanet": text})


# --- running -------------------------------------------------------------------------------


def limit_child(fsize: Optional[int] = None) -> None:
    """In the child: lower priority, cap the address space (see the module docstring), and the
    default signal dispositions (a background job's children inherit SIGINT ignored). ``fsize``:
    no file may grow beyond it (SIGXFSZ ignored, so a write beyond fails with EFBIG, as on a
    disk that fills up late in the run)."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    os.nice(NICE)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    if fsize is not None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))


def start(argv: List[str], env=None, fsize: Optional[int] = None) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: limit_child(fsize))


def finish(proc: subprocess.Popen, timeout=None):
    timeout = TIMEOUT if timeout is None else timeout
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        err += f"\n[timed out after {timeout} s]"
    return proc.returncode, out, err


def wait_for_part(folder: Path, proc: subprocess.Popen, seconds=600) -> bool:
    """Poll until a part file exists in ``folder`` (True) or the process ended (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if any(".part" in p.name for p in folder.iterdir()):
            return True
        time.sleep(0.01)
    return False


def command_argv(case: Case, w: Work, path: str) -> Optional[List[str]]:
    """The command for ``path`` ("CLI" or "QGIS"); None when QGIS has no such parameter."""
    if case.command is not None:
        return PYTHON + case.command(w) if path == "CLI" else None
    options = predict_options(w, case.options)
    if path == "CLI":
        return PYTHON + ["predict"] + cli_argv(options)
    if any(key not in QGIS_PARAMS for key in options):
        return None
    if "--device" in options:  # an enum parameter: its index
        options["--device"] = str(DEVICES.index(options["--device"]))
    params = [f"{QGIS_PARAMS[k]}={v}" for k, v in options.items()]
    return [qgis_process(), "run", "mmcanet:removeclouds", "--"] + params


@dataclass
class Row:
    case: str
    item: str
    path: str
    expect: str
    status: object = None
    message: str = ""
    left: List[str] = field(default_factory=list)
    destroyed: List[str] = field(default_factory=list)
    verified: str = ""
    side: List[str] = field(default_factory=list)  # QGIS's .aux.xml beside inputs (noted only)
    result: str = ""
    seconds: float = 0.0


def run_case(case: Case, path: str, folder: Path, baseline: Optional[np.ndarray]) -> Row:
    row = Row(case.name, case.item, path, case.expect)
    w = Work.make(folder, case.weights)
    env = qgis_env() if path == "QGIS" else None
    try:
        if case.prepare is not None:
            case.prepare(w)
    except Exception as exc:  # noqa: BLE001 - a broken case is reported, not fatal
        row.result, row.message = "NOT RUN", f"preparing the case failed: {exc!r}"
        return row
    argv = command_argv(case, w, path)
    if argv is None:
        row.result, row.message = "NOT RUN", "no such Processing parameter"
        return row
    if case.command is None:  # the output this case names
        w.output = Path(predict_options(w, case.options).get("--output", w.output))
    before = w.snapshot()
    started = time.perf_counter()
    status, out, err, note = run_with(case, w, argv, env)
    row.seconds = time.perf_counter() - started
    if status is None:
        row.result, row.message = "NOT RUN", note
        return row
    row.status, row.message = status, message_of(err + "\n" + out, path, case)
    judge(case, w, row, before, err + out, baseline)
    if note:
        row.message = f"{note}; {row.message}" if row.message else note
    return row


def run_with(case: Case, w: Work, argv, env):
    """(status, stdout, stderr, note) of the case's runner; status None = not run."""
    kind = case.runner
    if kind == "plain":
        return (*finish(start(argv, env)), "")
    if kind.startswith("signal:"):
        signum = getattr(signal, kind.split(":")[1])
        proc = start(argv, env)
        if not wait_for_part(w.output.parent, proc):
            status, out, err = finish(proc)
            return status, out, err, "finished before a part file appeared; no signal sent"
        proc.send_signal(signum)
        status, out, err = finish(proc)
        return status, out, err, f"{signal.Signals(signum).name} sent while the part file existed"
    if kind == "kill-then-rerun":
        proc = start(argv, env)
        if not wait_for_part(w.output.parent, proc):
            finish(proc)
            return None, "", "", "finished before a part file appeared"
        proc.kill()
        proc.wait()
        stale = [p.name for p in w.folder.iterdir() if ".part" in p.name]
        status, out, err = finish(start(argv, env))
        return status, out, err, f"after SIGKILL {len(stale)} stale part file(s); then re-run"
    if kind in ("disk-full", "prefull", "preview-full"):
        return run_on_small_disk(kind, w, argv, env)
    if kind == "race":
        first, second = start(argv, env), start(argv, env)
        (s1, o1, e1), (s2, o2, e2) = finish(first), finish(second)
        status = 0 if sorted([s1, s2]) == [0, 2] else (s2 if s1 == 0 else s1)
        return status, o1 + o2, e1 + "\n" + e2, f"two runs at once exited {s1} and {s2}"
    if kind.startswith("fsize:"):
        limit = int(kind.split(":")[1])
        status, out, err = finish(start(argv, env, fsize=limit))
        return status, out, err, f"files limited to {limit:,} bytes (RLIMIT_FSIZE)"
    if kind == "kill-then-clean":
        proc = start(argv, env)
        if not wait_for_part(w.folder, proc):
            finish(proc)
            return None, "", "", "finished before a part file appeared"
        proc.kill()
        proc.wait()
        stale = [p.name for p in w.folder.iterdir() if ".part" in p.name]
        status, out, err = finish(start(PYTHON + ["clean", str(w.folder)], env))
        return status, out, err, f"after SIGKILL {len(stale)} part file(s); then clean"
    raise ValueError(kind)


def run_on_small_disk(kind: str, w: Work, argv, env):
    """Output on a small tmpfs: filled while writing ("disk-full") or too small from the start
    ("prefull"). What the run leaves there is recorded in ``w.left_elsewhere``."""
    mount = w.folder / "small"
    mount.mkdir()
    size = "4m" if kind == "disk-full" else "256k"  # 4m: the 13-band output's 2.6 MiB fit
    if kind == "preview-full":  # the output on the big disk, the preview on the small one
        preview = next(a for a in argv if a.endswith(".png"))
        argv = [str(mount / Path(preview).name) if a == preview else a for a in argv]
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        mount.rmdir()
        return None, "", "", "not run: mounting a small tmpfs needs root on Linux"
    filler = mount / "filler"
    try:
        target = mount / "r.tif"
        if kind != "preview-full":
            argv = [str(target) if a == str(w.output) else a for a in argv]
        proc = start(argv, env)
        note = ""
        if kind == "disk-full":
            if wait_for_part(mount, proc):
                fill(filler)
                note = "the tmpfs was filled once the part file appeared"
            else:
                note = "the run ended before its part file appeared"
        status, out, err = finish(proc)
        w.left_elsewhere = [f"small/{p.name}" for p in mount.iterdir() if p != filler]
        return status, out, err, note
    finally:
        subprocess.run(["umount", str(mount)], check=False)
        mount.rmdir()


def fill(path: Path) -> None:
    """Write zeros to ``path`` until the file system is full."""
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def message_of(text: str, path: str, case: Case) -> str:
    """The line a user reads: the CLI's ``error:``, QGIS's ``ERROR:``, a traceback's last line,
    or, for outputs, the warning the case expects."""
    raw = [line for line in re.split(r"[\r\n]+", text) if line.strip()]
    lines = [line.strip() for line in raw]
    for i in reversed(range(len(lines))):
        if lines[i].startswith(("error:", "ERROR:")):
            # qgis_process puts the details of a parameter error on indented lines below
            details = [raw[j].strip() for j in range(i + 1, len(raw)) if raw[j][:1] == "\t"]
            return " ".join([lines[i].split(":", 1)[1].strip()] + details)
    if "Traceback" in text:
        return "TRACEBACK: " + lines[-1]
    if case.message:
        for line in lines:
            if re.search(case.message, line):
                return line
    usage = [line for line in lines if line.startswith("usage:") or ": error:" in line]
    return usage[-1] if usage else ""


def judge(case: Case, w: Work, row: Row, before, text: str, baseline) -> None:
    after = w.snapshot()
    expected_output = case.expect == OUTPUT and case.command is None
    replaceable = w.output if expected_output else None  # an output the case asks to replace

    def allowed(p: Path) -> bool:
        return bool(case.allowed) and re.fullmatch(case.allowed, p.name) is not None

    row.destroyed = [p.name for p, digest in before.items()
                     if p != replaceable and after.get(p) != digest and not allowed(p)]
    new = [p for p in after if p not in before and p != replaceable and not allowed(p)]
    if row.path == "QGIS":  # QGIS writes a PAM .aux.xml beside each raster layer it loads
        side = [p for p in new if p.name.endswith(".aux.xml") and p.with_name(p.name[:-8])
                in before]  # fmt: skip
        new = [p for p in new if p not in side]
        row.side = sorted(p.name for p in side)
    new += [p for p in after if p.name.startswith(".") and ".part" in p.name and p not in new
            and p not in before]
    if case.allowed:  # what the case is about must be gone
        new += [p for p in after if allowed(p) and p in before and p not in new]
    preview = case.options.get("--preview")
    if case.expect == OUTPUT and callable(preview):
        new = [p for p in new if str(p) != preview(w)]
    row.left = sorted({str(p.relative_to(w.folder)) for p in new} | set(w.left_elsewhere))
    problems = []
    if row.destroyed:
        problems.append(f"destroyed {', '.join(row.destroyed)}")
    if row.left:
        problems.append(f"left {', '.join(row.left)}")
    if "Traceback" in text:
        problems.append("traceback")
    if case.expect == REFUSE:
        if row.status == 0:
            problems.append("exit 0")
        if not case.message or not re.search(case.message, row.message or "", re.IGNORECASE):
            problems.append("message does not say it")
        row.verified = "-"
    elif case.expect == SIGNAL:
        if row.status == 0:
            problems.append("exit 0")
        row.verified = "-"
    else:
        if row.status != 0:
            problems.append(f"exit {row.status}")
        if case.message and not re.search(case.message, text):
            problems.append("the expected warning is missing")
        row.verified = verify_output(case, w, baseline) if row.status == 0 else "-"
        if row.verified.startswith("NO"):
            problems.append(row.verified)
    row.result = "PASS" if not problems else "FAIL: " + "; ".join(problems)


def verify_output(case: Case, w: Work, baseline: Optional[np.ndarray]) -> str:
    """A short verdict on the output: "yes: ..." or "NO: ...". """
    out = w.output
    if case.command is not None:
        return "-"
    if not out.is_file():
        return "NO: no output file"
    try:
        ds = rasterio.open(out)
    except Exception as exc:  # noqa: BLE001
        return f"NO: not a raster ({exc})"
    with ds, rasterio.open(w.optical) as src:
        if ds.driver != "GTiff":
            return f"NO: {ds.driver}, not GeoTIFF"
        if (ds.crs, ds.width, ds.height) != (src.crs, src.width, src.height) or not \
                ds.transform.almost_equals(src.transform):
            return "NO: not on the optical grid"
        if ds.dtypes[0] != src.dtypes[0]:
            return f"NO: dtype {ds.dtypes[0]}, input {src.dtypes[0]}"
        data = ds.read(masked=True).astype(np.float64)
    valid = float((~np.ma.getmaskarray(data)).all(axis=0).mean())
    values = data.compressed()
    if valid < 0.3 or values.size == 0:
        return f"NO: {valid:.0%} valid pixels"
    if not np.isfinite(values).all():
        return "NO: non-finite values"
    dn = {"reflectance": lambda v: v * 10000, "offset": lambda v: v - 1000}.get(
        case.verify, lambda v: v)(data)
    low, high = np.percentile(dn.compressed(), [1, 99])
    if not (-200 <= low and high <= 20000):
        return f"NO: DN 1-99 % range {low:.0f}..{high:.0f} is implausible"
    if case.verify in ("dn", "reflectance", "offset", "rgb") and baseline is not None \
            and baseline.shape == dn.shape:
        diff = float(np.abs(dn - baseline).mean())
        if diff > 2.0:
            return f"NO: differs from the plain run by {diff:.1f} DN on average"
        return f"yes: {valid:.0%} valid, = plain run within {diff:.2f} DN"
    return f"yes: {valid:.0%} valid, DN {low:.0f}..{high:.0f}"


# --- the table -----------------------------------------------------------------------------


def table(rows: List[Row], note: str) -> str:
    head = ("| # | item | case | via | expected | exit | message | files left | "
            "output verified | result |")
    lines = ["# Reliability: bad inputs and faults", "", note, "", head, "|" + "---|" * 10]
    for i, r in enumerate(rows, start=1):
        message = (r.message or "").replace("|", "\\|").replace("\n", " ")
        if len(message) > 160:
            message = message[:157] + "..."
        left = ", ".join(r.left) or "none"
        if r.side:
            left += f" (+ QGIS: {', '.join(r.side)})"
        lines.append(
            f"| {i} | {r.item} | {r.case} | {r.path} | {r.expect} | {r.status} | {message} | "
            f"{left} | {r.verified} | {r.result} |"
        )
    passed = sum(r.result == "PASS" for r in rows)
    failed = sum(r.result.startswith("FAIL") for r in rows)
    lines += ["", f"{passed} passed, {failed} failed, {len(rows) - passed - failed} not run, "
              f"of {len(rows)} rows."]
    return "\n".join(lines) + "\n"


def merged_rows(new: List[Row], order: List[str]) -> List[Row]:
    """The last full run's rows with ``new`` ones in place of those of the same case and path
    (rows of cases that no longer exist are dropped), in the order of ``order``."""
    old = [Row(**r) for r in json.loads((OUT_BUILD / "results.json").read_text())]
    fresh = {(r.case, r.path): r for r in new}
    rows = [fresh.pop((r.case, r.path), r) for r in old if r.case in order]
    rows += fresh.values()
    rank = {name: i for i, name in enumerate(order)}
    return sorted(rows, key=lambda r: (rank[r.case], r.path != "CLI"))


def main(argv=None) -> int:
    global NICE, TIMEOUT
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", nargs="*", help="run only cases whose name contains one of these")
    p.add_argument("--item", nargs="*", help="run only cases whose item starts with one of these")
    p.add_argument("--no-qgis", action="store_true", help="skip the qgis_process rows")
    p.add_argument("--docs", action="store_true", help=f"write {OUT_DOCS} (else {OUT_BUILD})")
    p.add_argument("--note", default="", help="a line put above the table")
    p.add_argument("--keep", action="store_true", help="keep the temporary folders")
    p.add_argument("--nice", type=int, default=NICE, help="the children's niceness")
    p.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds a command may run")
    p.add_argument("--partial", default=str(OUT_BUILD / "partial.json"),
                   help="where the rows so far are written after each row")
    p.add_argument("--jobs", type=int, default=1,
                   help="cases run at once (each in its own folder; the plain run first)")
    p.add_argument("--update", action="store_true",
                   help=f"re-run only the selected cases and put their rows into the last full "
                        f"run's table ({OUT_BUILD / 'results.json'}), in the cases' order")
    args = p.parse_args(argv)
    NICE, TIMEOUT = args.nice, args.timeout
    for path in (S1, S2):
        if not path.is_file():
            print(f"real data not found: {path} (../shared/data beside the checkout)")
            return 2
    selected = [c for c in cases() if (not args.only or any(o in c.name for o in args.only))
                and (not args.item or any(c.item.startswith(i) for i in args.item))]
    if not args.no_qgis:
        subprocess.run([qgis_process(), "plugins", "enable", "mmcanet"], env=qgis_env(),
                       capture_output=True)  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="mmcanet-reliability-"))
    runs = [(i, case, path) for i, case in enumerate(selected)
            for path in (["CLI"] if case.cli else [])
            + (["QGIS"] if case.qgis and not args.no_qgis else [])]
    first = [r for r in runs if r[1].name.startswith("plain run") and r[2] == "CLI"][:1]
    results: Dict[int, Row] = {}
    state = {"baseline": None, "done": 0}
    lock = threading.Lock()

    def one(index: int) -> None:
        i, case, path = runs[index]
        row = run_case(case, path, work / f"{i:03d}-{path}", state["baseline"])
        with lock:
            results[index] = row
            state["done"] += 1
            OUT_BUILD.mkdir(parents=True, exist_ok=True)  # so far, should the run be stopped
            Path(args.partial).write_text(json.dumps(
                [results[k].__dict__ for k in sorted(results)], indent=1, default=str))
            print(f"{state['done']:3d} {path:4s} {row.result[:60]:60s} {case.name} "
                  f"({row.seconds:.0f} s)", flush=True)
        if first and runs[index] == first[0] and row.status == 0:
            state["baseline"] = read_raster(work / f"{i:03d}-CLI" / "r.tif").astype(np.float64)

    try:
        if first:  # the plain run first: the other outputs are compared with it
            one(runs.index(first[0]))
        rest = [k for k in range(len(runs)) if k not in results]
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            list(pool.map(one, rest))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    rows = [results[k] for k in sorted(results)]
    if args.update:
        rows = merged_rows(rows, [c.name for c in cases()])
    note = args.note or (
        f"Generated by `python scripts/reliability.py` on {time.strftime('%Y-%m-%d')}, CPU, "
        "real data: SEN12MS-CR ROIs1868_summer 19 p30 (Sentinel-1 + cloudy Sentinel-2 L1C) and "
        "the shipped weights, copied and made bad per case. CLI refusals exit 2; qgis_process "
        "exits 1 on any algorithm error. QGIS itself writes a PAM `.aux.xml` beside each raster "
        "layer it loads; those are listed as \"+ QGIS\" and not counted as leftovers.")
    text = table(rows, note)
    target = OUT_DOCS if args.docs else OUT_BUILD / "reliability.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    (OUT_BUILD).mkdir(parents=True, exist_ok=True)
    (OUT_BUILD / "results.json").write_text(json.dumps([r.__dict__ for r in rows], indent=1,
                                                       default=str))  # fmt: skip
    print(f"\nwrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
