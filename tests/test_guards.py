"""Output guards (``mmcanet_core.safety.guards``): nothing a run reads is ever written, clear
refusals."""

import errno
import os
import resource
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.errors import RasterioIOError
from rasterio.transform import from_origin

from mmcanet_core.errors import OutputError
from mmcanet_core.safety import guards
from mmcanet_core.safety.guards import (
    check_free_space,
    check_output,
    check_preview,
    check_written,
    disk_full_error,
    output_bytes,
    output_driver,
)

S2 = "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif"


@pytest.fixture
def scene(tmp_path, sen12mscr):
    """Temp copies of a real optical patch and a weights-like file; returns their paths."""
    optical = tmp_path / "o.tif"
    shutil.copy(sen12mscr / S2, optical)
    weights = tmp_path / "c.safetensors"
    weights.write_bytes(b"weights")
    return optical, weights


@pytest.mark.parametrize("name", ["r.tif", "R.TIFF", "dir/r.tiff"])
def test_geotiff_names_select_gtiff(name):
    assert output_driver(name) == "GTiff"


@pytest.mark.parametrize("name, why", [
    ("r.png", "PNG holds 8/16-bit pictures"), ("r.jpg", "JPEG is lossy"),
    ("r.vrt", "VRT only points"), ("r", "no extension"), ("r.xyz", "'.xyz' is not a GeoTIFF"),
])
def test_other_names_are_refused_with_the_tif_name(name, why):
    with pytest.raises(OutputError, match=f"{why}.*name it r.tif"):
        output_driver(name)


def test_output_may_not_be_an_input_or_the_weights(scene, tmp_path, monkeypatch):
    optical, weights = scene
    before = optical.read_bytes()
    for target in (optical, weights):
        with pytest.raises(OutputError, match="a file this run reads.*destroy"):
            check_output(target, [optical, weights], overwrite=True)
    # The same file through a symbolic link, a relative path and `..`.
    link = tmp_path / "link.tif"
    link.symlink_to(optical)
    monkeypatch.chdir(tmp_path)
    for alias in (link, Path("o.tif"), tmp_path / "sub" / ".." / "o.tif"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match="a file this run reads"):
            check_output(alias, [optical], overwrite=True)
    assert optical.read_bytes() == before


def test_every_file_gdal_reads_is_found_to_any_depth(scene, tmp_path):
    """Issue 24 row 1: a VRT of a VRT of the optical (and inside a zip through /vsizip/) lists
    the optical itself, so it can never be the output."""
    optical, _ = scene
    inner, outer, outermost = (tmp_path / f"{n}.vrt" for n in ("inner", "outer", "outermost"))
    subprocess.run(["gdalbuildvrt", "-q", str(inner), str(optical)], check=True)
    subprocess.run(["gdalbuildvrt", "-q", str(outer), str(inner)], check=True)
    subprocess.run(["gdalbuildvrt", "-q", str(outermost), str(outer)], check=True)
    with rasterio.open(outermost) as ds:
        assert str(optical) not in ds.files  # GDAL's own list stops at the first level
    found = guards.files_read([outermost])
    assert {str(inner), str(outer), str(outermost), str(optical)} <= set(found)
    for reads in (found, [guards.files_read([outer])]):
        with pytest.raises(OutputError, match="o.tif.*a file this run reads"):
            check_output(optical, reads, overwrite=True)
    archive = tmp_path / "scene.zip"
    with zipfile.ZipFile(archive, "w") as packed:  # no `zip` program needed (Debian 13)
        packed.write(optical, optical.name)
    inside = f"/vsizip/{archive}/o.tif"
    assert str(archive) in guards.files_read([inside])
    with pytest.raises(OutputError, match="a file this run reads"):
        check_output(archive, [guards.files_read([inside])], overwrite=True)
    assert guards.files_read([tmp_path / "missing.tif"]) == [str(tmp_path / "missing.tif")]


def test_output_may_not_be_a_vrt_source(scene, tmp_path):
    """A VRT's sources are files the run reads: pass ``ds.files``."""
    optical, _ = scene
    vrt = tmp_path / "o.vrt"
    subprocess.run(["gdalbuildvrt", "-q", str(vrt), str(optical)], check=True)
    with rasterio.open(vrt) as ds:
        reads = ds.files
    with pytest.raises(OutputError, match="o.tif.*a file this run reads"):
        check_output(optical, [reads], overwrite=True)


def test_existing_output_needs_overwrite(tmp_path, scene):
    optical, _ = scene
    out = tmp_path / "r.tif"
    out.write_bytes(b"user's file")
    with pytest.raises(OutputError, match="already exists; pass --overwrite"):
        check_output(out, [optical])
    assert check_output(out, [optical], overwrite=True) == out
    assert out.read_bytes() == b"user's file"  # checks never write


@pytest.mark.parametrize("make, message", [
    (lambda t: t / "missing" / "r.tif", "folder .*missing does not exist"),
    (lambda t: t / "adir.tif", "is a folder"),
    (lambda t: t / "results", "results is a folder; give a file name inside it"),  # row 13
])
def test_output_folder_problems(tmp_path, make, message):
    (tmp_path / "adir.tif").mkdir()
    (tmp_path / "results").mkdir()
    with pytest.raises(OutputError, match=message):
        check_output(make(tmp_path), [])


def _without_dac_override():
    """In the child before it runs python (root only): drop the capabilities that let root
    write into any folder (CAP_DAC_OVERRIDE 1, CAP_DAC_READ_SEARCH 2) from the bounding set, so
    that root, still root and still able to reach its own 0700 folders (the checkout, the
    venv), meets a 0555 folder as any user would."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) needs CAP_SETPCAP")


def test_read_only_folder(tmp_path):
    """A folder the user may not write into. As root (CI, a container) every folder is
    writable, so the check runs in a child process that is root without the capabilities
    that override file permissions (it can still reach the checkout under a 0700 home)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.geteuid() != 0:
            with pytest.raises(OutputError, match="not writable"):
                check_output(folder / "r.tif", [])
            return
        root = Path(guards.__file__).resolve().parents[2]
        code = ("from mmcanet_core.safety.guards import check_output\n"
                f"check_output({str(folder / 'r.tif')!r}, [])")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(root)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
        child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               cwd=root, env=env, preexec_fn=_without_dac_override)
        assert child.returncode != 0
        assert "is not writable; choose another output" in child.stderr, child.stderr
    finally:
        folder.chmod(0o755)


def test_preview_checks(tmp_path, scene):
    optical, weights = scene
    out = tmp_path / "r.tif"
    reads = [optical, weights]
    cases = [
        (optical, "o.tif is .*o.tif, a file this run reads"),
        (weights, "a file this run reads"),
        (tmp_path / "p.tif", "must be a .png.*name it p.png"),
        (tmp_path / "nowhere" / "p.png", "folder .*nowhere does not exist"),
    ]
    for preview, message in cases:
        with pytest.raises(OutputError, match=message):
            check_preview(preview, out, reads)
    png_input = tmp_path / "o.png"
    shutil.copy(optical, png_input)
    with pytest.raises(OutputError, match="a file this run reads"):
        check_preview(png_input, out, reads + [png_input])
    with pytest.raises(OutputError, match="is the output"):
        check_preview(tmp_path / "r.png", tmp_path / "r.png", reads)
    existing = tmp_path / "old.png"
    existing.write_bytes(b"png")
    with pytest.raises(OutputError, match="already exists"):
        check_preview(existing, out, reads)
    assert check_preview(existing, out, reads, overwrite=True) == existing


def test_output_bytes_is_the_uncompressed_bound():
    raw = 10980 * 10980 * 13 * 2  # a whole 13-band Sentinel-2 tile, uint16
    assert raw < output_bytes(10980, 10980, 13, "uint16") < raw * 1.02 + 2**20
    assert output_bytes(100, 100, 3, np.float32) > 100 * 100 * 3 * 4


def test_free_space_check_names_both_sizes(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    check_free_space(tmp_path, 1024)
    with pytest.raises(OutputError, match=r"not enough free space on .* needs up to .*GiB.* free"):
        check_free_space(tmp_path, free + 2**40)


def test_disk_full_recognised_from_errno_text_or_a_full_folder(tmp_path, monkeypatch):
    error = disk_full_error(OSError(errno.ENOSPC, "No space left on device"), tmp_path)
    assert error is not None and f"no space left on {tmp_path}" in str(error)
    chained = RasterioIOError("Write failed. See previous exception for details.")
    chained.__cause__ = RuntimeError("_tiffWriteProc: No space left on device")
    assert disk_full_error(chained, tmp_path) is not None
    bare = RasterioIOError("Write failed. See previous exception for details.")
    assert disk_full_error(bare, tmp_path) is None  # plenty of space here: another failure
    assert disk_full_error(ValueError("bug"), tmp_path) is None

    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(guards.shutil, "disk_usage",
                        lambda p: usage._replace(free=4096))  # fmt: skip
    assert disk_full_error(bare, tmp_path) is not None
    assert disk_full_error(ValueError("bug"), tmp_path) is None


def small_filesystem(path: Path) -> bool:
    """Mount a 1 MiB tmpfs at ``path`` (root on Linux); False where that is not allowed."""
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(path)],
                            capture_output=True)  # fmt: skip
    return result.returncode == 0


def test_a_real_full_disk_is_recognised(tmp_path):
    """GDAL on a really full file system: the bare "Write failed" is recognised. Mounting needs
    root on Linux; under CI that is a failure, never a skip (the file-size-limit test below
    runs everywhere)."""
    mount = tmp_path / "full"
    if not small_filesystem(mount):
        if os.environ.get("CI"):
            pytest.fail("under CI the small tmpfs must be mountable (run as root on Linux)")
        pytest.skip("mounting a small tmpfs needs root; the file-size-limit test still runs")
    try:
        profile = dict(driver="GTiff", width=1024, height=1024, count=3, dtype="uint16",
                       crs="EPSG:32633", transform=from_origin(0, 0, 10, 10), tiled=True,
                       compress="deflate")  # fmt: skip
        noise = np.random.default_rng(0).integers(0, 10000, (3, 1024, 1024), dtype=np.uint16)
        with pytest.raises(Exception) as caught:
            with rasterio.open(mount / "r.tif", "w", **profile) as dst:
                dst.write(noise)
        error = disk_full_error(caught.value, mount)
        assert error is not None and f"no space left on {mount}" in str(error)
    finally:
        subprocess.run(["umount", str(mount)], check=False)


#: A child that writes a 1024 px GeoTIFF block row by block row through partial_output under a
#: file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored: writes past it fail with EFBIG, like a disk
#: that fills up late), and prints what happened.
LIMITED_WRITER = """
import resource, signal, sys
import numpy as np, rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window
from mmcanet_core.errors import OutputError
from mmcanet_core.safety.guards import check_written
from mmcanet_core.safety.partfiles import partial_output
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
profile = dict(driver="GTiff", width=1024, height=1024, count=3, dtype="uint16",
               crs="EPSG:32633", transform=from_origin(0, 0, 10, 10), tiled=True,
               blockxsize=256, blockysize=256, compress="deflate")
noise = np.random.default_rng(0).integers(0, 10000, (3, 1024, 1024), dtype=np.uint16)
try:
    with partial_output(sys.argv[1], verify=lambda p, i: check_written(p, profile)) as part:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
        with rasterio.open(part, "w", **profile) as dst:
            for top in range(0, 1024, 256):
                dst.write(noise[:, top:top + 256], window=Window(0, top, 1024, 256))
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
except OutputError as exc:
    print("refused:", exc)
    sys.exit(2)
except Exception as exc:
    print("failed:", type(exc).__name__, exc)
    sys.exit(3)
print("written")
"""


def limited_write(out: Path, limit: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LIMITED_WRITER, str(out), str(limit)],
                          capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(Path(guards.__file__).parents[2])))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="RLIMIT_FSIZE is POSIX's")
@pytest.mark.parametrize("fraction", [0.0, 0.05, 0.5, 0.98, 0.9999])
def test_a_write_that_fails_late_never_leaves_a_file_or_reports_success(tmp_path, fraction):
    """Issue 24 row 5 without root: the file system refuses to grow the file beyond a
    ``fraction`` of its whole size (0: nothing at all), in the middle or at the final flush of
    the directory. Whatever GDAL says or does not say, the write fails with our message and
    leaves nothing; without a limit the file is written whole."""
    whole = tmp_path / "whole" / "r.tif"
    whole.parent.mkdir()
    done = limited_write(whole, 2**40)
    assert done.stdout.strip() == "written", done.stdout + done.stderr
    size = whole.stat().st_size
    with rasterio.open(whole) as ds:
        assert ds.read(3)[-1, -1] == np.random.default_rng(0).integers(
            0, 10000, (3, 1024, 1024), dtype=np.uint16)[2, -1, -1]
    out = tmp_path / "limited" / "r.tif"
    out.parent.mkdir()
    child = limited_write(out, int(size * fraction))
    assert child.returncode == 2, child.stdout + child.stderr
    assert child.stdout.startswith("refused: ") and "r.tif" in child.stdout
    assert "could not be written completely" in child.stdout, child.stdout
    assert "Traceback" not in child.stderr
    assert list(out.parent.iterdir()) == []


def test_check_written_finds_a_truncated_or_empty_geotiff(tmp_path):
    profile = dict(driver="GTiff", width=512, height=512, count=2, dtype="uint16",
                   crs="EPSG:32633", transform=from_origin(0, 0, 10, 10), tiled=True,
                   blockxsize=256, blockysize=256, compress="deflate")  # fmt: skip
    path = tmp_path / "r.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.random.default_rng(1).integers(0, 9999, (2, 512, 512), dtype=np.uint16))
    check_written(path, profile)  # whole: silent
    with pytest.raises(guards.IncompleteWriteError, match="not"):
        check_written(path, dict(profile, count=3))
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 0):
        path.write_bytes(data[:cut])
        with pytest.raises(guards.IncompleteWriteError):
            check_written(path, profile)


def test_preview_needs_free_space_up_front(tmp_path, scene, monkeypatch):
    """Issue 24 row 14: a preview on a full file system is refused before any work."""
    optical, weights = scene
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(guards.shutil, "disk_usage", lambda p: usage._replace(free=2**20))
    with pytest.raises(OutputError, match="not enough free space.*the preview needs up to"):
        check_preview(tmp_path / "p.png", tmp_path / "r.tif", [optical, weights])


def test_evaluate_and_export_keep_existing_results_without_overwrite(tmp_path, sen12mscr,
                                                                     capsys):
    """Issue 24 row 3: the same rule as predict's --overwrite, checked before any work."""
    from mmcanet_core.cli import main

    out = tmp_path / "eval"
    out.mkdir()
    (out / "results.csv").write_text("the user's results")
    argv = ["evaluate", "--data", str(sen12mscr), "--max-patches", "1", "--out", str(out)]
    assert main(argv) == 2
    assert "already holds results.csv; pass --overwrite" in capsys.readouterr().err
    assert (out / "results.csv").read_text() == "the user's results"
    assert sorted(p.name for p in out.iterdir()) == ["results.csv"]
    onnx = tmp_path / "m.onnx"
    onnx.write_bytes(b"the user's model")
    weights = tmp_path / "w.safetensors"
    weights.write_bytes(b"not even read")
    assert main(["export", "--weights", str(weights), "--output", str(onnx)]) == 2
    assert "already exists; pass --overwrite" in capsys.readouterr().err
    assert onnx.read_bytes() == b"the user's model"
