"""Output guards: where a run may write, checked before any work, and disk-full errors.

Pure functions (no work is started) that the CLI, the engine and the Processing algorithm call
before reading a single tile:

- :func:`check_output` — the output is a ``.tif``/``.tiff`` GeoTIFF in an existing, writable
  folder, is none of the files the run reads (inputs, their GDAL side files, the weights, a
  mask...), and replaces an existing file only with ``overwrite=True`` (the CLI's
  ``--overwrite``; Processing follows QGIS's convention of replacing its destination);
- :func:`check_preview` — the same for the ``--preview`` PNG, which must also differ from the
  output;
- :func:`output_driver` — the GDAL driver an output name selects (GeoTIFF only);
- :func:`output_bytes` / :func:`check_free_space` — the output's uncompressed size against the
  free space of its folder;
- :func:`disk_full_error` — turns a failed write on a full disk into "no space left on <folder>";
- :func:`check_written` — a written GeoTIFF is whole (every block on the disk) before it is put
  into place;
- :func:`files_read` — every file GDAL reads for some rasters: VRTs of VRTs to any depth,
  ``/vsizip/``-style paths resolved to the file on the disk, side files.

Every refusal is an :class:`OutputError` (an ``InferenceError``) naming the problem and the fix.
"""

import errno
import os
import shutil
from pathlib import Path
from typing import Iterable, List, Optional, Sequence

import numpy as np

from mmcanet_core.errors import OutputError

#: Output name extensions and the GDAL driver each selects.
DRIVERS = {".tif": "GTiff", ".tiff": "GTiff"}
#: Why other common raster extensions are refused (the fix is always: name it .tif).
REFUSED = {
    ".png": "PNG holds 8/16-bit pictures of 1-4 bands without georeferencing",
    ".jpg": "JPEG is lossy and 8-bit, without georeferencing",
    ".jpeg": "JPEG is lossy and 8-bit, without georeferencing",
    ".vrt": "a VRT only points at other files and holds no pixels",
    ".jp2": "JPEG 2000 cannot be written tile by tile here",
    ".img": "only GeoTIFF is written",
    ".nc": "only GeoTIFF is written",
}
#: Headroom over the raw pixel bytes for TIFF headers, tile offsets and GDAL side files.
OVERHEAD_FRACTION = 0.01
OVERHEAD_BYTES = 1 << 20
#: After a failed write, a folder with less free space than this counts as full (the engine
#: may pass its largest single write instead).
FULL_BYTES = 16 << 20
#: Upper bound of a ``--preview`` PNG (three panels of at most 1024 px, RGBA, a little more).
PREVIEW_BYTES = 16 << 20
#: Nested rasters (a VRT of a VRT of ...) are followed this deep at most (GDAL's own limit of
#: nested VRTs is far lower; this only stops a cycle).
MAX_NESTING = 32


class IncompleteWriteError(OSError):
    """A written file is not whole (a write, flush or close failed without saying so)."""


def output_driver(path) -> str:
    """``"GTiff"`` for a ``.tif``/``.tiff`` name; any other name is refused with the reason."""
    suffix = Path(path).suffix.lower()
    if suffix in DRIVERS:
        return DRIVERS[suffix]
    why = REFUSED.get(suffix, f"'{suffix}' is not a GeoTIFF name" if suffix else "it has no "
                      "extension")
    stem = Path(path).stem if suffix else Path(path).name
    raise OutputError(
        f"output {path}: the restored raster is written as a GeoTIFF only ({why}); name it "
        f"{Path(path).with_name(stem + '.tif').name}."
    )


def check_output(output, reads: Iterable = (), *, overwrite: bool = False) -> Path:
    """Check the output path before any work; returns it as a ``Path``.

    ``reads``: every file the run reads (SAR, optical, weights, mask, ...; for an opened
    raster pass its ``ds.files``, which include a VRT's sources and ``.aux.xml`` files).
    """
    output = Path(output)
    _check_not_read(output, reads, "output", "an output name of its own, e.g. restored.tif")
    _check_folder(output, "output")  # a folder is "a folder", whatever its name looks like
    output_driver(output)
    _check_existing(output, overwrite, "output", "--overwrite")
    return output


def check_preview(preview, output, reads: Iterable = (), *, overwrite: bool = False) -> Path:
    """Check the ``--preview`` PNG path like the output; it must not be the output either."""
    preview = Path(preview)
    _check_not_read(preview, reads, "preview", "a name of its own, e.g. preview.png")
    if _same(preview, output):
        raise OutputError(f"preview {preview} is the output; give the preview a name of its own.")
    if preview.suffix.lower() != ".png":
        raise OutputError(
            f"preview {preview} must be a .png file (it is a picture, not a raster); name it "
            f"{preview.with_suffix('.png').name}."
        )
    _check_folder(preview, "preview")
    _check_existing(preview, overwrite, "preview", "--overwrite")
    check_free_space(preview.parent, PREVIEW_BYTES, "the preview")
    return preview


def output_bytes(width: int, height: int, bands: int, dtype) -> int:
    """Upper bound of the output file's size: the uncompressed pixels plus headroom.

    The bound, not an expected compressed size, is what must be free: DEFLATE outputs of real
    Sentinel-2 L1C patches measured 1.3-4.2 x smaller than raw (worst case 1.3 x for RGB uint16,
    25 SEN12MS-CR / Sen1Floods11 scenes), so a fraction would save little and could fail late.
    """
    raw = int(width) * int(height) * int(bands) * np.dtype(dtype).itemsize
    return int(raw * (1 + OVERHEAD_FRACTION)) + OVERHEAD_BYTES


def check_free_space(folder, needed: int, what: str = "the output") -> None:
    """Refuse when ``folder`` has less than ``needed`` bytes free."""
    folder = Path(folder) if str(folder) else Path(".")
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise OutputError(
            f"not enough free space on {folder}: {what} needs up to {_size(needed)} "
            f"(uncompressed), {_size(free)} are free. Free some space or write to another folder."
        )


def disk_full_error(exc: BaseException, folder, full_below: int = FULL_BYTES,
                    names: str = "") -> Optional[OutputError]:
    """An :class:`OutputError` "no space left on <folder>" when ``exc`` is a disk-full failure.

    GDAL reports a full disk as a bare "Write failed" (errno lost), so besides ``ENOSPC`` and
    ``EDQUOT`` anywhere in the exception chain, a failed write counts as disk full when the
    folder has less than ``full_below`` bytes free. Call it BEFORE removing the partial file
    (removing it frees the space). ``names``: the file(s) that were being written, for the
    message. ``None`` when the failure is something else.
    """
    from rasterio.errors import RasterioError

    folder = Path(folder) if str(folder) else Path(".")
    codes = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
    chain, seen = exc, set()
    full = too_large = False
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        text = str(chain).lower()
        if getattr(chain, "errno", None) in codes or "no space left" in text:
            full = True
        if getattr(chain, "errno", None) == errno.EFBIG or "file too large" in text:
            too_large = True
        chain = chain.__cause__ or chain.__context__
    what = f"{names} was not written" if names else "nothing was written"
    if too_large and not full:
        return OutputError(
            f"{folder} refused a larger file (file too large: a file-size limit or the file "
            f"system's largest file); {what} (its partial file was removed). Write to another "
            "file system, or lift the limit."
        )
    io_failure = isinstance(exc, (OSError, RasterioError)) or type(exc).__name__.startswith(
        "CPLE_")
    if not full and io_failure:
        try:
            full = shutil.disk_usage(folder).free < full_below
        except OSError:
            full = False
    if not full:
        return None
    return OutputError(
        f"no space left on {folder}; {what} (its partial file was removed). Free some space or "
        "write to another folder."
    )


def write_error(exc: BaseException, names: str) -> Optional[OutputError]:
    """An :class:`OutputError` when ``exc`` is a failed write of any cause other than a full
    disk (GDAL's "Write failed" / libtiff's "Write error", a file-size limit, an
    :class:`IncompleteWriteError` of :func:`check_written`); ``None`` otherwise."""
    chain, seen = exc, set()
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        text = str(chain).lower()
        if isinstance(chain, IncompleteWriteError) or any(
                words in text for words in ("write failed", "write error", "file too large")):
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            if chain is not exc and not isinstance(exc, IncompleteWriteError):
                first += f": {str(chain).strip()}"
            return OutputError(
                f"{names} could not be written completely ({first}); nothing was kept (the "
                "partial file was removed). Check the disk (full? a file-size limit? read-only?) "
                "and write again."
            )
        chain = chain.__cause__ or chain.__context__
    return None


def check_written(path, profile: dict) -> None:
    """Refuse (:class:`IncompleteWriteError`) a GeoTIFF that is not whole: it must open with the
    ``profile``'s size, band count and dtype, every block of every band must lie inside the file
    (a write lost to a full disk leaves blocks at offset 0 or past the end), and the last block
    must decode. Cheap: block offsets are read from the TIFF directory, one block is decoded.
    """
    import rasterio
    from rasterio.errors import RasterioError

    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise IncompleteWriteError(errno.EIO, "the written file is empty")
    expected = (profile["width"], profile["height"], profile["count"], np.dtype(
        profile["dtype"]).name)
    try:
        with rasterio.open(path) as ds:
            found = (ds.width, ds.height, ds.count, ds.dtypes[0])
            if found != expected:
                raise IncompleteWriteError(errno.EIO,
                                           f"the written file is {found}, not {expected}")
            _check_blocks(ds, size)
            last = list(ds.block_windows(1))[-1][1]
            ds.read(window=last)
    except RasterioError as exc:
        raise IncompleteWriteError(
            errno.EIO, f"the written file cannot be read back ({exc})") from exc


def _check_blocks(ds, size: int) -> None:
    """Every block's offset and byte count (TIFF directory) inside a file of ``size`` bytes."""
    rows, cols = (-(-n // b) for n, b in zip((ds.height, ds.width), ds.block_shapes[0]))
    bands = [1] if ds.interleaving is not None and ds.interleaving.name == "PIXEL" else range(
        1, ds.count + 1)
    for band in bands:
        for row in range(rows):
            for col in range(cols):
                offset = ds.get_tag_item(f"BLOCK_OFFSET_{col}_{row}", "TIFF", bidx=band)
                count = ds.get_tag_item(f"BLOCK_SIZE_{col}_{row}", "TIFF", bidx=band)
                if not offset or not count or int(offset) + int(count) > size:
                    raise IncompleteWriteError(
                        errno.EIO, f"block ({row}, {col}) of band {band} is missing from the "
                        "written file (a write failed)")


def files_read(paths: Iterable) -> List[str]:
    """``paths`` and every file GDAL reads for them, to any depth: a VRT's sources, theirs, and
    so on (each source opened in turn), side files (``.aux.xml``, ``.ovr``), and for a GDAL
    virtual path (``/vsizip/a.zip/b.tif``, ``/vsigzip/...``) the file on the disk behind it.
    A path that does not open is listed as given (the caller's own open says why, later).
    """
    import rasterio
    from rasterio.errors import RasterioError

    found: List[str] = []
    seen: set = set()
    todo = [(str(p), 0) for p in _flatten(paths)]
    while todo:
        path, depth = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        found += [path] + ([real] if (real := _real_file(path)) not in (None, path) else [])
        if depth >= MAX_NESTING:
            continue
        try:
            with rasterio.open(path) as ds:
                files = list(ds.files)
        except (RasterioError, ValueError, OSError):
            continue
        todo += [(f, depth + 1) for f in files if f not in seen]
    return found


# --- helpers ------------------------------------------------------------------------------


def _real_file(path: str) -> Optional[str]:
    """The file on the disk behind a GDAL virtual path (``/vsizip//x/a.zip/b.tif`` ->
    ``/x/a.zip``): its longest existing prefix; ``path`` itself when it is no such path."""
    if not path.startswith("/vsi"):
        return path
    rest = path
    while rest.startswith("/vsi"):  # /vsizip//x/a.zip/b.tif, /vsizip/{/x/a.zip}/b.tif, nested
        rest = rest[rest.index("/", 1) + 1:] if "/" in rest[1:] else ""
    rest = rest.replace("{", "").replace("}", "")
    parts = Path("/" + rest.lstrip("/")).parts
    for end in range(len(parts), 0, -1):
        candidate = Path(*parts[:end])
        if candidate.is_file():
            return str(candidate)
    return None


def _check_folder(path: Path, role: str) -> None:
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{role} {path} is a folder; give a file name inside it.")
    if not folder.is_dir():
        raise OutputError(f"{role} folder {folder} does not exist; create it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{role} folder {folder} is not writable; choose another {role}.")


def _check_not_read(path: Path, reads: Iterable, role: str, fix: str) -> None:
    for read in _flatten(reads):
        if _same(path, read):
            raise OutputError(
                f"{role} {path} is {read}, a file this run reads; writing it would destroy it. "
                f"Give the {role} {fix}."
            )


def _check_existing(path: Path, overwrite: bool, role: str, flag: str) -> None:
    if path.exists() and not overwrite:
        raise OutputError(
            f"{role} {path} already exists; pass {flag} to replace it, or choose another name."
        )


def _flatten(reads: Iterable) -> Sequence:
    out = []
    for item in reads:
        if item is None:
            continue
        if isinstance(item, (str, os.PathLike)):
            out.append(item)
        else:
            out.extend(_flatten(item))
    return out


def _same(a, b) -> bool:
    """True when ``a`` and ``b`` name one file (links, ``..``, case on case-blind systems)."""
    a, b = Path(a), Path(b)
    try:
        if a.exists() and b.exists():
            return a.samefile(b)
    except OSError:
        pass
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _size(n: float) -> str:
    """Bytes for people: ``"3.1 GiB"``."""
    for unit in ("bytes", "KiB", "MiB"):
        if n < 1024:
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GiB"
