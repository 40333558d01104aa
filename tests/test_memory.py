"""Memory estimates before allocating (``mmcanet_core.safety.memory``): honest, and refusals that
fit."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from mmcanet_core import build_model
from mmcanet_core.errors import MemoryTooSmall
from mmcanet_core.safety.memory import (
    SAFETY,
    available_bytes,
    available_ram,
    check_engine_memory,
    check_memory,
    engine_bytes,
    estimate_bytes,
    forward_bytes,
)

ROOT = Path(__file__).resolve().parents[1]
DEMO = dict(width=16, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1), num_bases=8)  # shipped config
#: Peak RSS growth of one real forward pass (float32, CPU, one thread), printed in MiB. The peak
#: (VmHWM) is reset just before, through /proc/self/clear_refs (Linux).
MEASURE = """
import sys, torch
from mmcanet_core import build_model
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
torch.set_num_threads(1)
model = build_model("mmcanet", width=16, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1),
                    num_bases=8).eval()
tile, batch = int(sys.argv[1]), int(sys.argv[2])
with torch.inference_mode():
    model(torch.rand(1, 2, 32, 32), torch.rand(1, 3, 32, 32))  # warm up the allocator
open("/proc/self/clear_refs", "w").write("5")
before = status("VmRSS")
with torch.inference_mode():
    model(torch.rand(batch, 2, tile, tile), torch.rand(batch, 3, tile, tile))
print((status("VmHWM") - before) / 2**20)
"""


@pytest.fixture(scope="module")
def demo():
    return build_model("mmcanet", **DEMO).eval()


def test_estimate_grows_with_pixels_and_batch_and_leaves_the_model_alone(demo):
    small = forward_bytes(demo, 128, 1)
    assert forward_bytes(demo, 256, 1) == pytest.approx(4 * small, rel=0.1)
    assert forward_bytes(demo, 128, 4) == pytest.approx(4 * small, rel=0.1)
    assert next(demo.parameters()).device.type == "cpu"  # traced on a meta copy
    assert estimate_bytes(demo, 128, 1) == int(small * SAFETY)


def test_the_issue_case_4096_px_tiles_needs_far_more_than_a_laptop(demo):
    """`--tile 4096` grew to 24 GB and was killed; the estimate says so up front, instantly."""
    needed = estimate_bytes(demo, 4096, 4)
    assert needed > 24 * 2**30
    with pytest.raises(MemoryTooSmall, match=r"4096 x 4096 px needs about .* GiB of memory.*"
                                             r"use --tile (\d+)") as caught:
        check_memory(demo, 4096, 4, "cpu", available=16 * 2**30)
    fits = int(caught.value.args[0].split("--tile ")[1].split()[0])
    assert fits % 16 == 0 and fits >= 256
    plan = check_memory(demo, fits, 4, "cpu", available=16 * 2**30)  # the suggestion fits
    assert plan.needed <= 0.8 * 16 * 2**30


def test_nothing_fits_names_the_way_out(demo):
    with pytest.raises(MemoryTooSmall, match="even a 64-px tile does not fit; free memory"):
        check_memory(demo, 256, 1, "cpu", available=1 << 20)
    with pytest.raises(MemoryTooSmall, match=r"use --tile \d+\.$"):  # batch 1: tile only
        check_memory(demo, 1024, 1, "cpu", available=1 << 30)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="peak RSS reset is Linux's")
def test_estimate_covers_a_real_forward_pass(demo):
    """Planned bytes >= the peak RSS growth of the same forward pass really run on the CPU."""
    tile, batch = 256, 2
    result = subprocess.run([sys.executable, "-c", MEASURE, str(tile), str(batch)],
                            capture_output=True, text=True, check=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))  # fmt: skip
    measured = float(result.stdout.split()[-1]) * 2**20
    planned = estimate_bytes(demo, tile, batch)
    assert measured > 0.8 * forward_bytes(demo, tile, batch)  # the trace is not inflated
    assert planned >= measured, (planned / 2**20, measured / 2**20)


def test_other_models_can_be_estimated():
    from mmcanet_core import list_models

    for name in ("dsen2cr", "mmcanet_l", "mpir2"):  # one of each family
        assert name in list_models()
        with torch.device("meta"):
            model = build_model(name)
        assert forward_bytes(model, 64, 1) > 64 * 64 * 4 * 5, name


def test_available_memory_is_measured():
    ram = available_ram()
    assert 2**26 < ram < 2**50
    assert available_bytes("cpu") == (pytest.approx(ram, rel=0.2), "RAM")


def test_engine_memory_grows_with_width_only_and_wide_scenes_are_refused():
    """Issue 24 row 17: a 262144 x 256 scene and an 8192 x 8192 one have the same pixels, but
    the engine holds strips as wide as what it processes: the estimate says so (about 32 x
    more for one piece; column panels, tests/test_panels.py, bound the width), and a scene
    whose strips do not fit is refused with its width and a width that fits."""
    args = dict(tile=256, step=192, pad=32, context=36, channels=3, source_bytes=6,
                output_bytes=6, queued=1)
    wide, square = engine_bytes(262144, **args), engine_bytes(8192, **args)
    assert 30 < wide / square < 33
    assert 4 * 2**30 < wide < 5 * 2**30  # measured growth 15.9 KiB per column: 4.0 GiB
    assert engine_bytes(262144, **dict(args, tile=128, step=96)) < wide / 1.5
    check_engine_memory(wide, 262144, 256, available=16 * 2**30)  # fits: silent
    with pytest.raises(MemoryTooSmall, match=r"262144 px wide.*4.5 GiB.*at most \d{5} px wide"):
        check_engine_memory(wide, 262144, 256, available=2**31)
