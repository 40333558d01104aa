"""The demonstrator's data that is not training: where the shared data lies and the HELD-OUT set.

Training is ``python -m mmcanet_core train --config configs/demo.json`` (``make train-demo``); the
recipe, its sources and its held-out list live in that file alone. This module reads them for the
evaluation scripts (``scripts/demo_eval.py``, ``scripts/composite_eval.py``) and the tests.

HELD OUT, never trained on: the real triplets with REAL clouds and their own REAL SAR in the
config's ``held_out`` (five ``sen12mscr_nogeo`` ids, every third by cloud-mask cover from the
second, and the whole SEN12MS-CR ROI ``ROIs2017_winter_112``, i.e. its triplet p797).
"""

import json
import warnings
from pathlib import Path

import numpy as np

from mmcanet_core.options import CHECKPOINT_DIR

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "demo.json"
RECIPE = json.loads(CONFIG.read_text())
SHARED = (ROOT / RECIPE["root"]).resolve()
DATA = SHARED / "sen12mscr"
NOGEO = SHARED / "sen12mscr_nogeo"
SHIPPED = CHECKPOINT_DIR / "mmcanet_demo_all.safetensors"  # the default (first by name)
SHIPPED_RGB = CHECKPOINT_DIR / "mmcanet_demo_rgb.safetensors"
HELD_OUT = tuple(RECIPE["held_out"])
HELD_OUT_NOGEO = tuple(n.split("/", 1)[1] for n in HELD_OUT if n.startswith("sen12mscr_nogeo/"))
HELD_OUT_SEN12MSCR = tuple(n.split("/", 1)[1] for n in HELD_OUT if n.startswith("sen12mscr/"))
VALIDATION_NOGEO = tuple(RECIPE["validation"]["ids"])


def held_out_images():
    """The held-out triplets as :class:`mmcanet_core.data.mixture.Image` (all 13 bands, [0, 1]):
    the nogeo ids in the config's order, then the SEN12MS-CR ones."""
    from mmcanet_core.data.mixture import is_excluded, load_source

    found = []
    for layout, root in (("folders", "sen12mscr_nogeo"), ("sen12mscr", "sen12mscr")):
        spec = {"kind": "triplets", "layout": layout, "root": root}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found += [im for im in load_source(spec, SHARED, []) if is_excluded(im.name, HELD_OUT)]
    order = {name: i for i, name in enumerate(HELD_OUT)}
    return sorted(found, key=lambda im: next(order[h] for h in HELD_OUT
                                             if is_excluded(im.name, [h])))  # fmt: skip


def cloud_mask_of(name: str) -> np.ndarray:
    """(H, W) bool: the real cloud mask of a nogeo id; for SEN12MS-CR patches the
    :mod:`mmcanet_core.data.cloud_cover` mask of the cloudy image."""
    from mmcanet_core.data.cloud_cover import cloud_mask
    from mmcanet_core.data.folders import read_mask
    from mmcanet_core.data.sen12mscr import find_triplets, read_dn

    folder, key = name.split("/", 1)
    if folder == "sen12mscr_nogeo":
        return read_mask(NOGEO / "cloudmask" / f"{key}_cloudmask.tif")
    triplet = next(t for t in find_triplets(DATA, warn=False)[0] if t.key == key)
    return np.asarray(cloud_mask(read_dn(triplet.paths["s2_cloudy"])), bool)
