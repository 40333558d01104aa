"""ONNX export (``mmcanet_core.weights.export``), ONNX files as weights and the two backends.

Parity is measured on real SEN12MS-CR patches; the torch-free path runs in a subprocess where
``import torch`` fails.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import onnx
import pytest
import rasterio
import torch
from onnx import TensorProto, helper

from mmcanet_core import build_model, list_models
from mmcanet_core.backends.onnxrt import OnnxBackend, onnx_providers
from mmcanet_core.backends.select import onnx_beside, open_backend
from mmcanet_core.data.sen12mscr import find_triplets, read_dn, read_sar, to_unit
from mmcanet_core.errors import BackendError, ExportError, WeightsError
from mmcanet_core.options import CHECKPOINT_DIR
from mmcanet_core.weights.checkpoint import METADATA_KEY, read_metadata, save_weights
from mmcanet_core.weights.export import export_onnx, tile_multiple
from mmcanet_core.weights.onnx_file import read_onnx_metadata, sha256_file

from conftest import ROOT, TINY

CHECKPOINTS = CHECKPOINT_DIR
SHIPPED = sorted(CHECKPOINTS.glob("*.safetensors"))
RGB = [3, 2, 1]  # 0-based B4, B3, B2


def save_tiny(path, name: str, seed: int = 0):
    """A tiny ``name`` network with every parameter perturbed (zero-initialised residual scales
    would make most blocks identities), saved as real weights."""
    torch.manual_seed(seed)
    options = dict(width=8, blocks=2) if name == "dsen2cr" else dict(TINY, num_bases=8)
    model = build_model(name, **options).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    save_weights(path, model, name=name, options=options, optical_bands=(4, 3, 2),
                 trained_on="untrained (tests)", patch_size=64)
    return model


@pytest.fixture(scope="module")
def tiny_pair(tmp_path_factory):
    """(safetensors, onnx) of a tiny MMCANet, exported once for the module by the CLI."""
    from mmcanet_core.cli import main

    folder = tmp_path_factory.mktemp("onnx")
    weights = folder / "tiny.safetensors"
    save_tiny(weights, "mmcanet")
    assert main(["export", "--weights", str(weights)]) == 0  # default output: same stem
    assert sorted(p.name for p in folder.iterdir()) == ["tiny.onnx", "tiny.safetensors"]
    return weights, folder / "tiny.onnx"


def real_batch(sen12mscr, bands=None):
    """Every real patch with SAR: (N, 2, 256, 256) SAR and (N, 3, 256, 256) RGB in [0, 1] (or
    the 1-based ``bands``)."""
    triplets, _ = find_triplets(sen12mscr, require=("s1",), warn=False)
    pairs = [(t.paths["s1"], t.paths.get("s2_cloudy") or t.paths.get("s2")) for t in triplets]
    pairs = [(s1, s2) for s1, s2 in pairs if s2 is not None]
    assert len(pairs) >= 5, pairs
    sar = np.stack([read_sar(s1) for s1, _ in pairs])
    pick = RGB if bands is None else [b - 1 for b in bands]
    optical = np.stack([to_unit(read_dn(s2)[pick]) for _, s2 in pairs])
    return sar, optical


def dn_differences(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a - b| in digital numbers (outputs in [0, 1] are DN / 10000)."""
    return np.abs(a.astype(np.float64) - b.astype(np.float64)) * 10000


# --- export ----------------------------------------------------------------------------------


#: Exported by every run: the shipped architecture, its large-kernel variant and the baseline
#: (well under a minute of CPU). A tiny MPIR takes 2-4 CPU minutes to export (symbolic stage
#: sizes), so MPIR1-4 are exported only with MMCANET_EXPORT_ALL=1 (``make test-all``); they are
#: left out of the parameters, not skipped, so a normal run reports no skip. Every run checks
#: their tile multiple fast (test_mpir_tile_multiple_keeps_every_stage_free_of_padding).
EXPORTED_ALWAYS = ("mmcanet", "mmcanet_l", "dsen2cr")
EXPORT_ALL = os.environ.get("MMCANET_EXPORT_ALL") == "1"


@pytest.mark.slow
@pytest.mark.parametrize("name", list_models() if EXPORT_ALL else EXPORTED_ALWAYS)
def test_every_model_exports_with_dynamic_batch_and_tile(name, tmp_path, tiny_pair):
    weights = tmp_path / "tiny.safetensors"
    model = save_tiny(weights, name)
    output = export_onnx(weights, tmp_path / "tiny.onnx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.onnx", "tiny.safetensors"]
    if name == "mmcanet":  # the same weights as tiny_pair's: the same bytes (`make onnx`)
        assert output.read_bytes() == tiny_pair[1].read_bytes()
    onnx.checker.check_model(str(output), full_check=True)
    meta = read_onnx_metadata(output)
    assert {k: v for k, v in meta.items() if k != "onnx"} == read_metadata(weights)
    assert meta["onnx"]["tile_multiple"] == tile_multiple(model) == (
        32 if name in ("mpir1", "mpir2", "mpir3") else 16)
    backend = open_backend(output, device="cpu")
    # Batch sizes and tile sides other than the traced (2, 4 * multiple) one, non-square too.
    m = meta["onnx"]["tile_multiple"]
    generator = torch.Generator().manual_seed(1)
    for n, h, w in ((1, 2 * m, 2 * m), (3, m, 5 * m)):
        sar, optical = torch.rand(n, 2, h, w, generator=generator), torch.rand(n, 3, h, w,
                                                                                generator=generator)
        with torch.inference_mode():
            expected = model(sar, optical).clamp(0, 1).numpy()
        got = backend.predict(sar.numpy(), optical.numpy())
        assert got.shape == (n, 3, h, w)
        assert np.abs(got - expected).max() < 1e-4


@pytest.mark.parametrize("name", [n for n in list_models() if n.startswith("mpir")])
def test_mpir_tile_multiple_keeps_every_stage_free_of_padding(name):
    """Issue 26 row 6, fast (no export): three-stage MPIR runs its first stage at 1/4 size, so
    its tiles are multiples of 32; at such sides every stage sees a multiple of 8 (MMCANet's
    three down-samplings), and the output has the input's size. ``make test-all`` exports them
    (test above with MMCANET_EXPORT_ALL=1)."""
    model = build_model(name, **TINY).eval()
    multiple = tile_multiple(model)
    assert multiple == (32 if len(model.scales) == 3 else 16), (name, model.scales)
    for side in (multiple, 3 * multiple):
        assert all(round(side * scale) % 8 == 0 for scale in model.scales), (side, model.scales)
    half = multiple // 2
    if multiple > 16:  # a 16-multiple that is not a 32-multiple puts one stage off the grid
        assert any(round(3 * half * scale) % 8 for scale in model.scales)
    with torch.inference_mode():
        out = model(torch.rand(1, 2, multiple, 3 * multiple),
                    torch.rand(1, 3, multiple, 3 * multiple))
    assert out.shape == (1, 3, multiple, 3 * multiple)


def test_export_refuses_to_overwrite_the_weights_or_write_elsewhere(tiny_pair, tmp_path):
    weights, _ = tiny_pair
    before = sha256_file(weights)
    for output in (weights, tmp_path / "model.safetensors", tmp_path / "model.tif"):
        with pytest.raises(WeightsError, match="must end in .onnx"):
            export_onnx(weights, output)
    with pytest.raises(WeightsError, match="already an ONNX model"):
        export_onnx(tiny_pair[1], tmp_path / "again.onnx")
    with pytest.raises(WeightsError, match="does not exist; create it first"):
        export_onnx(weights, tmp_path / "missing" / "x.onnx")
    assert sha256_file(weights) == before
    assert list(tmp_path.iterdir()) == []


def perturbed(graph_path):
    """The ONNX graph at ``graph_path`` with the weight of its last convolution (the one nearest
    the output) shifted by 0.5: a valid graph that no longer computes what the weights do."""
    from onnx import numpy_helper

    proto = onnx.load(str(graph_path))
    last = [n for n in proto.graph.node if n.op_type == "Conv"][-1]
    weight = next(t for t in proto.graph.initializer if t.name == last.input[1])
    values = numpy_helper.to_array(weight) + np.float32(0.5)
    weight.CopyFrom(numpy_helper.from_array(values.astype(np.float32), weight.name))
    return proto


def test_failed_export_leaves_nothing(tiny_pair, tmp_path, monkeypatch):
    """Issue 26 row 5: the real parity check (not a stand-in) sees a graph that disagrees with
    the weights, refuses it, and nothing is left; the unperturbed graph passes the same check."""
    import mmcanet_core.weights.export as export

    # tiny_pair's graph stands in for a fresh conversion (seconds instead of a minute).
    monkeypatch.setattr(export, "_to_onnx", lambda *args: perturbed(tiny_pair[1]))
    target = tmp_path / "out.onnx"
    with pytest.raises(ExportError, match="disagrees with PyTorch.*nothing was written"):
        export_onnx(tiny_pair[0], target)
    assert list(tmp_path.iterdir()) == []  # no output, no .part file
    monkeypatch.setattr(export, "_to_onnx", lambda *args: onnx.load(str(tiny_pair[1])))
    assert export_onnx(tiny_pair[0], target) == target  # the check is not merely always failing
    target.unlink()
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(WeightsError):
        export_onnx(bad, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.safetensors"]


def test_export_replaces_an_onnx_file_only_with_overwrite(tiny_pair, tmp_path, monkeypatch,
                                                          capsys):
    """Issue 24 row 3: an existing ONNX file is kept unless --overwrite, like predict."""
    import mmcanet_core.weights.export as export
    from mmcanet_core.cli import main

    monkeypatch.setattr(export, "_to_onnx", lambda *args: onnx.load(str(tiny_pair[1])))
    target = tmp_path / "existing.onnx"
    target.write_bytes(b"the user's model")
    argv = ["export", "--weights", str(tiny_pair[0]), "--output", str(target)]
    assert main(argv) == 2
    assert "already exists; pass --overwrite" in capsys.readouterr().err
    assert target.read_bytes() == b"the user's model"
    assert main(argv + ["--overwrite"]) == 0
    assert read_onnx_metadata(target)["onnx"]["source"] == tiny_pair[0].name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.onnx"]


EXPORT_CHILD = """
import signal, sys, time
# Ctrl-C as in a terminal: a job started in the background (`cmd &` in a script) begins with
# SIGINT ignored, and Python then leaves it ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
import mmcanet_core.weights.export as export
real = export._verify
def slow_verify(*args):  # the part file exists; give the test time to signal
    print("verifying", flush=True)
    time.sleep(60)
export._verify = slow_verify
sys.exit(__import__("mmcanet_core.cli", fromlist=["main"]).main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_export_leaves_nothing(tiny_pair, tmp_path, signum):
    """Issue 24 row 16: SIGTERM or Ctrl-C while the part file exists: no part file, no
    traceback; SIGTERM ends the process by that signal, Ctrl-C exits 130 with one line."""
    weights = tmp_path / "w.safetensors"
    weights.write_bytes(tiny_pair[0].read_bytes())
    child = subprocess.Popen(
        [sys.executable, "-c", EXPORT_CHILD, "export", "--weights", str(weights)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert child.stdout.readline().strip() == "verifying"
    assert len(list(tmp_path.glob(".w.onnx.mmcanet-*.part.onnx"))) == 1
    child.send_signal(signum)
    _, err = child.communicate(timeout=60)
    assert child.returncode == (-signum if signum == signal.SIGTERM else 130), err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.safetensors"]


def test_export_cli_errors(tiny_pair, tmp_path, capsys):
    from mmcanet_core.cli import main

    assert main(["export", "--weights", str(tiny_pair[0]), "--output",
                 str(tmp_path / "x.safetensors")]) == 2
    assert "must end in .onnx" in capsys.readouterr().err
    assert main(["export", "--weights", str(tmp_path / "none.safetensors")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


# --- ONNX files as weights: bad files are refused ---------------------------------------------


def foreign_model(path, metadata=None):
    """A valid ONNX model that is not ours: Identity on one input (optionally with our key)."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4, 4])
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "foreign", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    if metadata is not None:
        model.metadata_props.add(key=METADATA_KEY, value=metadata)
    onnx.save_model(model, str(path))
    return path


def test_corrupt_truncated_and_foreign_onnx_are_refused(tiny_pair, tmp_path):
    good = tiny_pair[1].read_bytes()
    meta = read_onnx_metadata(tiny_pair[1])
    cases = {
        "random.onnx": (os.urandom(4096), "not a readable ONNX model"),
        "weights_renamed.onnx": (tiny_pair[0].read_bytes(), "not a readable ONNX model"),
        "empty.onnx": (b"", "not a readable ONNX model"),
        "head.onnx": (good[:1000], "not a readable ONNX model"),
        "half.onnx": (good[: len(good) // 2], "not a readable ONNX model"),
        "no_tail.onnx": (good[:-7], "truncated|damaged"),
    }
    for name, (data, _) in cases.items():
        (tmp_path / name).write_bytes(data)
    foreign_model(tmp_path / "foreign.onnx")
    cases["foreign.onnx"] = (None, "without MMCANet metadata.*mmcanet_core export")
    foreign_model(tmp_path / "bad_json.onnx", "{not json")
    cases["bad_json.onnx"] = (None, "not valid JSON")
    foreign_model(tmp_path / "other_graph.onnx", json.dumps(meta))
    cases["other_graph.onnx"] = (None, "does not match its MMCANet metadata")
    foreign_model(tmp_path / "other_format.onnx", json.dumps(dict(meta, format="other")))
    cases["other_format.onnx"] = (None, "format")
    no_multiple = dict(meta, onnx={"source": "x"})
    foreign_model(tmp_path / "no_multiple.onnx", json.dumps(no_multiple))
    cases["no_multiple.onnx"] = (None, "tile_multiple")
    listing = sorted(p.name for p in tmp_path.iterdir())
    for name, (_, message) in cases.items():
        with pytest.raises(WeightsError, match=message) as info:
            open_backend(tmp_path / name)
        assert str(tmp_path / name) in str(info.value)
    assert "mmcanet_core export" in str(pytest.raises(
        WeightsError, open_backend, tmp_path / "random.onnx").value)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # nothing written
    with pytest.raises(WeightsError, match="does not exist"):
        open_backend(tmp_path / "missing.onnx")


# --- backends ---------------------------------------------------------------------------------


def test_backend_choice_and_interface(tiny_pair):
    weights, model_onnx = tiny_pair
    backend = open_backend(model_onnx, backend="auto")
    assert isinstance(backend, OnnxBackend) and backend.name == "onnxruntime"
    assert backend.describe().startswith("onnxruntime ") and "CPUExecutionProvider" in (
        backend.describe())
    assert open_backend(weights).name == "torch"  # auto: torch imports here
    assert open_backend(weights, backend="torch").describe().startswith("PyTorch ")
    beside = open_backend(weights, backend="onnxruntime", threads=1)
    assert isinstance(beside, OnnxBackend) and beside.path == model_onnx
    assert "1 threads" in beside.describe()
    with pytest.raises(BackendError, match="runs on onnxruntime"):
        open_backend(model_onnx, backend="torch")
    with pytest.raises(BackendError, match="'tensorflow' is not one of"):
        open_backend(weights, backend="tensorflow")
    sar = np.zeros((1, 2, 32, 32), np.float32)
    with pytest.raises(ValueError, match="optical"):
        backend.predict(sar, np.zeros((1, 4, 32, 32), np.float32))
    with pytest.raises(ValueError, match="multiple of 16"):
        backend.predict(np.zeros((1, 2, 40, 40)), np.zeros((1, 3, 40, 40)))
    # Output is clamped to [0, 1] even for inputs the network pushes outside it.
    out = backend.predict(np.ones((1, 2, 32, 32)), np.full((1, 3, 32, 32), 1.0))
    assert out.dtype == np.float32 and out.min() >= 0 and out.max() <= 1


def test_onnx_beside_the_weights_must_come_from_them(tiny_pair, tmp_path):
    weights = tmp_path / "tiny.safetensors"
    weights.write_bytes(tiny_pair[0].read_bytes())
    with pytest.raises(WeightsError, match="no ONNX model tiny.onnx beside"):
        onnx_beside(weights)
    (tmp_path / "tiny.onnx").write_bytes(tiny_pair[1].read_bytes())
    assert onnx_beside(weights) == tmp_path / "tiny.onnx"
    save_tiny(weights, "mmcanet", seed=5)  # retrained: the ONNX copy is now stale
    with pytest.raises(WeightsError, match="stale.*mmcanet_core export"):
        open_backend(weights, backend="onnxruntime")


def test_onnxruntime_providers():
    cpu = "CPUExecutionProvider"
    gpu = ["CUDAExecutionProvider", "DmlExecutionProvider", cpu]
    assert onnx_providers("auto", [cpu]) == [cpu]
    assert onnx_providers("auto", gpu) == gpu
    assert onnx_providers("cpu", gpu) == [cpu]
    assert onnx_providers("cuda:1", gpu) == [("CUDAExecutionProvider", {"device_id": 1}), cpu]
    assert onnx_providers("directml", gpu) == [("DmlExecutionProvider", {}), cpu]
    with pytest.raises(BackendError, match="onnxruntime-gpu"):
        onnx_providers("cuda", [cpu])
    with pytest.raises(BackendError, match="unknown device"):
        onnx_providers("tpu", gpu)


# --- the shipped demonstrator -----------------------------------------------------------------


def test_shipped_onnx_is_in_sync_with_the_shipped_weights_and_agrees_on_real_patches(sen12mscr):
    """The committed .onnx comes from the committed .safetensors (`make onnx` after retraining),
    and the two backends agree on every real patch with SAR (5 x 256 x 256 px, RGB)."""
    assert SHIPPED, "no shipped checkpoint"
    for weights in SHIPPED:
        onnx_path = weights.with_suffix(".onnx")
        assert onnx_path.is_file(), f"{onnx_path.name} is missing: run `make onnx`"
        meta = read_onnx_metadata(onnx_path)
        assert meta["onnx"]["source_sha256"] == sha256_file(weights), (
            f"{onnx_path.name} was exported from another version of {weights.name}: "
            "run `make onnx` and commit the result")
        assert {k: v for k, v in meta.items() if k != "onnx"} == read_metadata(weights), (
            "metadata differ: run `make onnx`")
    for stray in CHECKPOINTS.glob("*.onnx"):
        assert stray.with_suffix(".safetensors").is_file(), (
            f"{stray.name} has no .safetensors beside it: delete it or run `make onnx`")
    sar, optical = real_batch(sen12mscr, read_metadata(SHIPPED[0])["optical_bands"]["indices"])
    torch_backend = open_backend(SHIPPED[0], backend="torch", device="cpu")
    onnx_backend = open_backend(SHIPPED[0], backend="onnxruntime", device="cpu")
    assert onnx_backend.path == SHIPPED[0].with_suffix(".onnx")
    a = np.concatenate([torch_backend.predict(sar[i:i + 2], optical[i:i + 2])
                        for i in range(0, len(sar), 2)])
    b = onnx_backend.predict(sar, optical)
    diff = dn_differences(a, b)
    assert np.mean(diff <= 1) >= 0.999 and diff.max() <= 2, (
        f"ONNX and torch differ by up to {diff.max():.2f} DN: run `make onnx`")
    # The network really did something on these patches (the comparison is not vacuous).
    assert dn_differences(b, optical).mean() > 1


def test_shipped_onnx_is_packaged_but_never_the_default():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import package
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    from mmcanet_core.options import shipped_checkpoint

    files = {p.as_posix() for p in package.plugin_files()}
    for weights in SHIPPED:
        assert weights.with_suffix(".onnx").relative_to(ROOT).as_posix() in files
    assert shipped_checkpoint() == SHIPPED[0]


# --- without PyTorch --------------------------------------------------------------------------

NO_TORCH = textwrap.dedent("""
    import sys
    sys.modules["torch"] = None  # `import torch` now fails, as where it is not installed
    import numpy as np, rasterio
    from mmcanet_core.backends.select import open_backend, torch_importable
    from mmcanet_core.preprocess import normalize_optical, normalize_sar
    assert not torch_importable()
    backend = open_backend(sys.argv[1])  # auto: the .onnx beside the shipped weights
    bands = backend.metadata["optical_bands"]["indices"]  # the weights' own bands
    with rasterio.open(sys.argv[2]) as s1, rasterio.open(sys.argv[3]) as s2:
        sar = np.nan_to_num(normalize_sar(s1.read()))[None]
        optical = np.nan_to_num(normalize_optical(s2.read(bands)))[None]
    out = backend.predict(sar, optical)
    np.save(sys.argv[4], out)
    loaded = sorted(m for m in sys.modules if m.split(".")[0] == "torch" and sys.modules[m])
    print(backend.describe(), "| torch modules:", loaded)
""")


def test_onnxruntime_path_runs_with_torch_unimportable(sen12mscr, tmp_path):
    triplet = [t for t in find_triplets(sen12mscr, warn=False)[0]][0]
    s1, s2 = triplet.paths["s1"], triplet.paths["s2_cloudy"]
    out_path = tmp_path / "out.npy"
    done = subprocess.run(
        [sys.executable, "-c", NO_TORCH, str(SHIPPED[0]), str(s1), str(s2), str(out_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert done.returncode == 0, done.stderr
    assert "onnxruntime" in done.stdout and "torch modules: []" in done.stdout, done.stdout
    torch_backend = open_backend(SHIPPED[0], backend="torch", device="cpu")
    bands = [b - 1 for b in torch_backend.metadata["optical_bands"]["indices"]]
    expected = torch_backend.predict(read_sar(s1)[None], to_unit(read_dn(s2)[bands])[None])
    assert dn_differences(np.load(out_path), expected).max() <= 2


NO_TORCH_PREDICT = textwrap.dedent("""
    import sys
    sys.modules["torch"] = None  # `import torch` now fails, as where it is not installed
    from mmcanet_core.inference import predict_raster
    weights, s1, s2, out = sys.argv[1:5]
    result = predict_raster(s1, s2, out, weights=weights, raw=True)  # backend "auto"
    loaded = sorted(m for m in sys.modules if m.split(".")[0] == "torch" and sys.modules[m])
    network = [e.fields["description"] for e in result.events if e.kind == "network"]
    print(result.device, "|", *network, "| torch modules:", loaded)
""")


def test_predict_raster_runs_the_shipped_onnx_with_torch_unimportable(sen12mscr, tmp_path):
    """The whole engine (rasters, tiles, mask, writer) without PyTorch: the shipped .onnx given
    as weights, and the shipped .safetensors with backend "auto" (the .onnx beside them)."""
    from mmcanet_core.inference import predict_raster

    triplet = [t for t in find_triplets(sen12mscr, warn=False)[0]][0]
    s1, s2 = triplet.paths["s1"], triplet.paths["s2_cloudy"]
    expected = predict_raster(s1, s2, tmp_path / "torch.tif", weights=SHIPPED[0], raw=True,
                              backend="torch", device="cpu")
    assert any(e.kind == "network" and e.fields["description"].startswith("PyTorch")
               for e in expected.events)
    for weights in (SHIPPED[0].with_suffix(".onnx"), SHIPPED[0]):
        out = tmp_path / f"{weights.suffix[1:]}.tif"
        done = subprocess.run(
            [sys.executable, "-c", NO_TORCH_PREDICT, str(weights), str(s1), str(s2), str(out)],
            capture_output=True, text=True, cwd=tmp_path, timeout=300,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("cpu | onnxruntime") and (
            "torch modules: []" in done.stdout), done.stdout
        with rasterio.open(out) as a, rasterio.open(expected.output_path) as b:
            diff = np.abs(a.read().astype(int) - b.read())
        assert diff.max() <= 2 and np.mean(diff <= 1) >= 0.999, diff.max()
