"""What comes out of a run beside the image: every input band (``mmcanet_core.engine.bands``),
the uncertainty output (``mmcanet_core.clouds.uncertainty``, ``--uncertainty-output``), its ONNX
export, and the backends' output shape check (issue 24 row 10).

CLI runs are on real crops of the SEN12MS-CR demo scene ROIs1868_summer 19 p30 (thick cumulus:
the top-left 128 px are partly cloud, partly clear) with tiny untrained networks.
"""

import json

import numpy as np
import onnx
import pytest
import rasterio
import torch
from onnx import TensorProto, helper
from rasterio.windows import Window

from mmcanet_core import build_model
from mmcanet_core.backends.select import open_backend
from mmcanet_core.cli import main
from mmcanet_core.clouds.uncertainty import uncertainty_rows
from mmcanet_core.engine.bands import BandPlan
from mmcanet_core.errors import InferenceError, WeightsError
from mmcanet_core.preprocess import S2_BANDS
from mmcanet_core.weights.checkpoint import METADATA_KEY, build_metadata, save_weights

from conftest import TINY

SUMMER = ("ROIs1868_summer", 19, 30)
L1C = tuple(range(1, 14))


def scene_paths(sen12mscr):
    roi, scene, patch = SUMMER
    name = f"{roi}_{{kind}}_{scene}_p{patch}.tif"
    return [sen12mscr / f"{roi}_{kind}" / f"{kind}_{scene}" / name.format(kind=kind)
            for kind in ("s1", "s2_cloudy")]


@pytest.fixture
def crop(sen12mscr, tmp_path):
    """(SAR, optical) copies of the top-left 128 px of the demo scene (13-band L1C)."""
    out = []
    for path, name in zip(scene_paths(sen12mscr), ("s1.tif", "s2.tif")):
        with rasterio.open(path) as src:
            window = Window(0, 0, 128, 128)
            profile = dict(src.profile, width=128, height=128,
                           transform=src.window_transform(window))
            with rasterio.open(tmp_path / name, "w", **profile) as dst:
                dst.write(src.read(window=window))
                dst.descriptions = src.descriptions
        out.append(tmp_path / name)
    return out


def tiny_weights(path, bands, uncertainty=True, seed=0):
    """Untrained tiny MMCANet weights for ``bands``, with the uncertainty head; the head's last
    layer perturbed so that the scale varies over the scene."""
    torch.manual_seed(seed)
    options = dict(TINY, in_channels=len(bands), uncertainty=uncertainty)
    model = build_model("mmcanet", **options).eval()
    if uncertainty:
        with torch.no_grad():
            model.scale_head.body[2].weight.normal_(0, 0.3)
    return save_weights(path, model, name="mmcanet", options=options, optical_bands=bands,
                        trained_on="untrained (tests)", patch_size=64)


def predict(sar, optical, output, *extra):
    return main(["predict", "--sar", str(sar), "--optical", str(optical), "--output",
                 str(output), "--tile", "64", "--overlap", "16", "--device", "cpu", *extra])


def read(path):
    with rasterio.open(path) as ds:
        return ds.read(), ds.descriptions, ds.nodata, ds.dtypes[0], ds.tags()


# --- every band comes out ---------------------------------------------------------------------


def test_l1c_weights_restore_all_13_bands_and_keep_every_clear_pixel(crop, tmp_path):
    sar, optical = crop
    weights = tiny_weights(tmp_path / "l1c.safetensors", L1C)
    mask = tmp_path / "mask.tif"
    out = tmp_path / "out.tif"
    assert predict(sar, optical, out, "--weights", str(weights), "--mask-output", str(mask)) == 0
    data, names, _, dtype, _ = read(out)
    source = read(optical)[0]
    classes = read(mask)[0][0]
    assert data.shape == source.shape == (13, 128, 128) and dtype == "uint16"
    assert [n.split(" ")[0] for n in names] == list(S2_BANDS)
    assert all(n.endswith("(cloud-free, MMCANet)") for n in names)
    clear = classes == 0
    assert 0.1 < clear.mean() < 0.9  # the crop is partly cloud: both sides are tried
    # Far from any cloud (beyond dilate + feather) every band is the input, bit for bit...
    from scipy import ndimage

    far = ndimage.distance_transform_edt(classes == 0) > 4
    assert far.sum() > 500 and (data[:, far] == source[:, far]).all()
    # ...and under the cloud the network wrote every band (not only RGB).
    cloud = classes == 1
    assert all((data[b, cloud] != source[b, cloud]).mean() > 0.5 for b in range(13))


def test_rgb_weights_on_13_bands_give_every_band_back(crop, tmp_path, capsys):
    sar, optical = crop
    weights = tiny_weights(tmp_path / "rgb.safetensors", (4, 3, 2), uncertainty=False)
    out = tmp_path / "out.tif"
    assert predict(sar, optical, out, "--weights", str(weights), "--raw") == 0
    log = capsys.readouterr().err
    assert "all 13 input bands" in log and "bands [1, 5, 6, 7, 8, 9, 10, 11, 12, 13] keep" in log
    data, names, _, _, _ = read(out)
    source = read(optical)[0]
    assert data.shape == (13, 128, 128)
    kept = [b - 1 for b in L1C if b not in (4, 3, 2)]
    assert (data[kept] == source[kept]).all()  # bit for bit, even in the raw output
    for b in (1, 2, 3):  # B2, B3, B4 at their input positions: the network's output
        assert (data[b] != source[b]).mean() > 0.9
    assert names[3] == "B4 (cloud-free, MMCANet)" and names[0] == "B1 (input, not restored)"
    assert names[12] == "B12 (input, not restored)"
    # A SAR hole: where the network has no valid input, the pixel is nodata in every band
    # (the input declares no nodata: 0 in every band, the all-zero rule), elsewhere unchanged.
    with rasterio.open(sar, "r+") as ds:
        s1 = ds.read()
        s1[:, 10:30, 20:50] = np.nan
        ds.write(s1)
    holes = tmp_path / "holes.tif"
    assert predict(sar, optical, holes, "--weights", str(weights), "--raw") == 0
    h, _, nodata, _, _ = read(holes)
    hole = np.zeros((128, 128), bool)
    hole[10:30, 20:50] = True
    assert nodata is None and (h[:, hole] == 0).all()
    assert (h[kept][:, ~hole] == source[kept][:, ~hole]).all()
    assert (h[[3, 2, 1]][:, ~hole] > 0).all()
    # The same run through the library: the result names the bands and their roles.
    from mmcanet_core.inference import predict_raster

    result = predict_raster(sar, optical, tmp_path / "lib.tif", weights=weights, raw=True,
                            tile=64, overlap=16, device="cpu")
    assert result.bands == [4, 3, 2] and result.kept_bands == [b + 1 for b in kept]
    assert (read(tmp_path / "lib.tif")[0] == h).all()


def test_band_plan_merges_in_the_input_order():
    plan = BandPlan(4, (3, 1)).with_source((3, 1))
    assert plan.merged and plan.kept == (2, 4) and plan.source == (3, 1, 2, 4)
    restored = np.array([[[30.4]], [[10.6]]], np.float32)  # network order: band 3, band 1
    source = np.array([[[3]], [[1]], [[2]], [[4]]], np.uint16)  # as carried: 3, 1, 2, 4
    out = plan.merge(restored.copy(), source, "uint16", 0)
    assert out.dtype == np.uint16 and out[:, 0, 0].tolist() == [11, 2, 30, 4]
    # Final values (a composite) are placed as they are, even a float input's negative ones;
    # a pixel lost in the restored bands is nodata in every band.
    final = np.array([[[-0.5, 7.0]], [[2.5, 8.0]]], np.float32)
    src = np.array([[[0.0, 0.0]], [[0.0, 0.0]], [[-0.25, 9.0]], [[4.0, 9.0]]], np.float32)
    out = plan.merge(final, src, "float32", np.nan, np.array([[False, True]]), converted=True)
    assert out[:, 0, 0].tolist() == [2.5, -0.25, -0.5, 4.0] and np.isnan(out[:, 0, 1]).all()
    assert not BandPlan(3, (1, 2, 3)).merged and BandPlan(3, (3, 2, 1)).merged
    assert BandPlan(2, (1,)).descriptions(["", "NIR"]) == ["band 1 (cloud-free, MMCANet)",
                                                          "NIR (input, not restored)"]


# --- the uncertainty output -------------------------------------------------------------------


def test_uncertainty_rows_convention():
    """Hand-computed: w * b where restored, 0 where the input is kept, NaN where nodata."""
    scale = np.array([[[0.1, 0.2, 0.3, np.nan, 0.5]]], np.float32)
    weight = np.array([[1.0, 0.5, 0.0, 1.0, 0.0]], np.float32)
    classes = np.array([[1, 0, 0, 1, 255]], np.uint8)
    out = uncertainty_rows(scale, (0.0, 10000.0), weight, classes)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[0, 0, :3], [0.1, 0.1, 0.0], rtol=1e-6)
    assert np.isnan(out[0, 0, 3]) and np.isnan(out[0, 0, 4])
    raw = uncertainty_rows(scale, (0.0, 5000.0))  # DN range half of 10000: half reflectance
    np.testing.assert_allclose(raw[0, 0, [0, 4]], [0.05, 0.25], rtol=1e-6)


def test_cli_uncertainty_output_matches_the_network_and_the_composite(crop, tmp_path):
    sar, optical = crop
    weights = tiny_weights(tmp_path / "u.safetensors", (4, 3, 2))
    out, unc, mask = tmp_path / "out.tif", tmp_path / "unc.tif", tmp_path / "mask.tif"
    assert predict(sar, optical, out, "--weights", str(weights), "--uncertainty-output",
                   str(unc), "--mask-output", str(mask)) == 0
    values, names, nodata, dtype, tags = read(unc)
    u = values[0]
    classes = read(mask)[0][0]
    assert values.shape == (1, 128, 128) and dtype == "float32" and np.isnan(nodata)
    assert "0 = input kept" in names[0] and "MMCANET_UNCERTAINTY" in tags
    with rasterio.open(unc) as a, rasterio.open(optical) as b:
        assert (a.crs, a.transform) == (b.crs, b.transform)
    from scipy import ndimage

    far = ndimage.distance_transform_edt(classes == 0) > 4
    assert (u[far] == 0).all()  # kept from the input: exactly 0
    cloud = classes == 1
    assert (u[cloud] > 0).all() and np.isfinite(u).all()
    # Under the cloud (weight 1) the value is the network's own scale for the scene: the raw run
    # writes it everywhere, and one whole-scene forward pass gives it independently.
    raw_unc = tmp_path / "raw_unc.tif"
    assert predict(sar, optical, tmp_path / "raw.tif", "--weights", str(weights), "--raw",
                   "--uncertainty-output", str(raw_unc)) == 0
    r = read(raw_unc)[0][0]
    assert (r > 0).all() and np.allclose(u[cloud], r[cloud], rtol=1e-5)
    assert r.std() > 1e-4  # the scale varies: the test can tell pixels apart
    # One tile covering the crop (no blend) is the forward pass itself.
    single = tmp_path / "single_unc.tif"
    assert predict(sar, optical, tmp_path / "single.tif", "--weights", str(weights), "--raw",
                   "--uncertainty-output", str(single), "--tile", "128", "--overlap", "0") == 0
    np.testing.assert_allclose(read(single)[0][0], forward_scale(weights, sar, optical),
                               rtol=1e-4, atol=1e-6)


def forward_scale(weights, sar, optical):
    """The network's scale for the whole crop in one forward pass (no tiling), reflectance."""
    from mmcanet_core.preprocess import normalize_optical, normalize_sar
    from mmcanet_core.weights.checkpoint import load_weights

    model, meta = load_weights(weights)
    norm = meta["normalisation"]
    with rasterio.open(sar) as s, rasterio.open(optical) as o:
        sar_db = s.read().astype(np.float32)
        dn = o.read([4, 3, 2]).astype(np.float32)
    sar_u = normalize_sar(sar_db, [norm["sar_db_clip"][b] for b in meta["sar_bands"]])
    opt_u = normalize_optical(dn, norm["optical_dn_clip"])
    with torch.inference_mode():
        _, scale = model.forward_uncertainty(torch.from_numpy(sar_u)[None],
                                             torch.from_numpy(opt_u)[None])
    return scale[0, 0].numpy()


def test_uncertainty_output_nodata_where_the_input_is_nodata(crop, tmp_path):
    sar, optical = crop
    with rasterio.open(optical, "r+") as ds:
        data = ds.read()
        data[:, 100:, 100:] = 0  # L1C nodata: 0 in every band
        ds.write(data)
    weights = tiny_weights(tmp_path / "u.safetensors", (4, 3, 2))
    unc = tmp_path / "unc.tif"
    assert predict(sar, optical, tmp_path / "out.tif", "--weights", str(weights),
                   "--uncertainty-output", str(unc)) == 0
    u = read(unc)[0][0]
    assert np.isnan(u[100:, 100:]).all() and np.isfinite(u[:100]).all()


def test_uncertainty_output_is_refused_clearly(crop, tmp_path, capsys):
    sar, optical = crop
    plain = tiny_weights(tmp_path / "plain.safetensors", (4, 3, 2), uncertainty=False)
    head = tiny_weights(tmp_path / "head.safetensors", (4, 3, 2))
    out, unc = tmp_path / "out.tif", tmp_path / "unc.tif"
    listing = sorted(p.name for p in tmp_path.iterdir())
    assert predict(sar, optical, out, "--weights", str(plain), "--uncertainty-output",
                   str(unc)) == 2
    assert "no uncertainty head" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # nothing written
    for target, message in ((optical, "read"), (out, "its own file name")):
        assert predict(sar, optical, out, "--weights", str(head), "--uncertainty-output",
                       str(target)) == 2
        assert message in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == listing
    unc.write_bytes(b"precious")
    assert predict(sar, optical, out, "--weights", str(head), "--uncertainty-output",
                   str(unc)) == 2
    assert "--overwrite" in capsys.readouterr().err and unc.read_bytes() == b"precious"
    assert not out.exists()
    assert predict(sar, optical, out, "--weights", str(head), "--uncertainty-output", str(unc),
                   "--overwrite") == 0
    assert read(unc)[0].shape == (1, 128, 128)


# --- backends: the scale, and output shapes ---------------------------------------------------


def test_backend_returns_the_scale_and_refuses_it_without_the_head(tmp_path):
    head = open_backend(tiny_weights(tmp_path / "h.safetensors", (4, 3, 2)), device="cpu")
    plain = open_backend(tiny_weights(tmp_path / "p.safetensors", (4, 3, 2), False),
                         device="cpu")
    assert head.has_uncertainty and not plain.has_uncertainty
    rng = np.random.default_rng(0)
    sar, optical = rng.random((3, 2, 32, 32), np.float32), rng.random((3, 3, 32, 32), np.float32)
    restored, scale = head.predict(sar, optical, uncertainty=True)
    assert restored.shape == (3, 3, 32, 32) and scale.shape == (3, 1, 32, 32)
    assert (scale > 0).all() and np.array_equal(restored, head.predict(sar, optical))
    with pytest.raises(InferenceError, match="no uncertainty head"):
        plain.predict(sar, optical, uncertainty=True)


def onnx_with_metadata(path, body, output_shape):
    """An ONNX graph with our (valid) metadata for RGB weights, whose ``restored`` output is
    ``body`` (a list of nodes reading ``optical``) of the declared ``output_shape``."""
    meta = build_metadata(name="mmcanet", options=dict(TINY), optical_bands=(4, 3, 2),
                          trained_on="untrained (tests)")
    meta["onnx"] = {"source": "x.safetensors", "source_sha256": "0" * 64, "tile_multiple": 16,
                    "opset": 18, "exported_with": "hand-made (tests)"}
    inputs = [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", c, "h", "w"])
              for name, c in (("sar", 2), ("optical", 3))]
    output = helper.make_tensor_value_info("restored", TensorProto.FLOAT, output_shape)
    graph = helper.make_graph(body, "wrong", inputs, [output])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    model.metadata_props.add(key=METADATA_KEY, value=json.dumps(meta))
    onnx.save_model(model, str(path))
    return path


def test_onnx_graph_with_a_wrong_output_shape_is_an_error(crop, tmp_path, capsys):
    """Issue 24 row 10: one channel was broadcast into three (grey fill, exit 0), half size was
    a traceback. Every backend's output shape is checked; the run leaves nothing behind."""
    sar, optical = crop
    axes = helper.make_tensor("axes", TensorProto.INT64, [1], [1])
    def const(name, dtype, values, dims=()):
        return helper.make_node("Constant", [], [name],
                                value=helper.make_tensor(name, dtype, list(dims), values))

    # One band, sliced with an end computed from the data: onnxruntime cannot infer the
    # channels, so the graph opens and the shape is only known when it runs.
    one_band = onnx_with_metadata(tmp_path / "one_band.onnx", [
        const("zero", TensorProto.FLOAT, [0.0]), const("one", TensorProto.FLOAT, [1.0]),
        const("starts", TensorProto.INT64, [0], [1]), const("axes1", TensorProto.INT64, [1], [1]),
        const("shape1", TensorProto.INT64, [1], [1]),
        helper.make_node("ReduceMin", ["sar"], ["low"], keepdims=0),
        helper.make_node("Mul", ["low", "zero"], ["nought"]),
        helper.make_node("Add", ["nought", "one"], ["end_f"]),
        helper.make_node("Cast", ["end_f"], ["end_i"], to=TensorProto.INT64),
        helper.make_node("Reshape", ["end_i", "shape1"], ["ends"]),
        helper.make_node("Slice", ["optical", "starts", "ends", "axes1"], ["restored"])],
        ["batch", "c", "h", "w"])
    half = onnx_with_metadata(tmp_path / "half.onnx", [
        helper.make_node("AveragePool", ["optical"], ["restored"], kernel_shape=[2, 2],
                         strides=[2, 2])], ["batch", 3, "h2", "w2"])
    declared = onnx_with_metadata(tmp_path / "declared.onnx", [
        helper.make_node("Constant", [], ["axes"], value=axes),
        helper.make_node("ReduceMean", ["optical", "axes"], ["restored"], keepdims=1)],
        ["batch", 1, "h", "w"])  # states one channel: refused when opened
    listing = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out.tif"
    for graph, message in ((one_band, r"\(4, 1, 64, 64\).*\(4, 3, 64, 64\)"),
                           (half, r"\(4, 3, 32, 32\).*\(4, 3, 64, 64\)"),
                           (declared, "does not match its MMCANet metadata")):
        assert predict(sar, optical, out, "--weights", str(graph), "--raw") == 2, graph
        err = capsys.readouterr().err
        assert "Traceback" not in err
        import re

        assert re.search(message, err), err
        assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no output, no part file
    backend = open_backend(one_band)
    with pytest.raises(InferenceError, match="shape"):
        backend.predict(np.zeros((1, 2, 16, 16), np.float32), np.zeros((1, 3, 16, 16),
                                                                       np.float32))
    with pytest.raises(WeightsError, match="does not match"):
        open_backend(declared)


@pytest.mark.slow
def test_onnx_export_has_the_uncertainty_output_and_agrees(crop, tmp_path):
    """The exported graph's second output ``uncertainty`` matches PyTorch (the export's own
    parity check covers it; here once more on a real crop through both backends)."""
    from mmcanet_core.weights.export import export_onnx
    from mmcanet_core.weights.onnx_file import UNCERTAINTY, read_onnx_metadata

    weights = tiny_weights(tmp_path / "u.safetensors", (4, 3, 2))
    path = export_onnx(weights)
    assert [o.name for o in onnx.load(str(path)).graph.output] == ["restored", UNCERTAINTY]
    assert read_onnx_metadata(path)["model"]["options"]["uncertainty"] is True
    sar, optical = crop
    runs = {}
    for name, w in (("torch", weights), ("onnx", path)):
        unc = tmp_path / f"{name}_unc.tif"
        assert predict(sar, optical, tmp_path / f"{name}.tif", "--weights", str(w),
                       "--uncertainty-output", str(unc)) == 0
        runs[name] = (read(tmp_path / f"{name}.tif")[0], read(unc)[0])
    assert np.abs(runs["torch"][0].astype(int) - runs["onnx"][0]).max() <= 2  # DN
    np.testing.assert_allclose(runs["torch"][1], runs["onnx"][1], atol=1e-5)
    # A perturbed scale head makes the export's parity check fail on the second output.
    import mmcanet_core.weights.export as export
    from mmcanet_core.errors import ExportError
    from mmcanet_core.weights.checkpoint import load_weights

    model, _ = load_weights(weights)
    names = ["restored", UNCERTAINTY]
    export._verify(path, model, 16, names)  # the real check passes on the real export
    with torch.no_grad():
        model.scale_head.body[2].bias.add_(1.0)  # the restored image is unchanged
    with pytest.raises(ExportError, match="'uncertainty' output disagrees"):
        export._verify(path, model, 16, names)


# --- the evaluation script --------------------------------------------------------------------


def test_uncertainty_eval_product_mask_is_the_engines(crop, tmp_path):
    """scripts/uncertainty_eval.py --mask product counts as filled exactly the automatic mask's
    cloud and shadow, as the engine writes them (its mask output on a real crop)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    import uncertainty_eval

    sar, optical = crop
    mask = tmp_path / "mask.tif"
    weights = tiny_weights(tmp_path / "u.safetensors", (4, 3, 2))
    assert predict(sar, optical, tmp_path / "o.tif", "--weights", str(weights),
                   "--mask-output", str(mask)) == 0
    classes = read(mask)[0][0]
    dn = read(optical)[0].astype(np.float32)
    filled = uncertainty_eval.product_mask(dn / 10000.0)
    assert np.array_equal(filled, np.isin(classes, (1, 2))) and 0.1 < filled.mean() < 0.9
