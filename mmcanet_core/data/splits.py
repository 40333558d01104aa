"""Train / val / test splits of SEN12MS-CR by ROI, never by patch.

Two protocols (``--protocol``):

``paper`` — MMCANet, Section IV-B: spring ROIs split 38/2/2 (train/val/test, "20:1:1"); the
    other seasons are out-of-domain test sets. The paper does not list its ROIs (it picked two
    test ROIs "with relatively evenly distributed cloud cover"), so we use a deterministic rule
    instead: rank the 41 spring ROIs that SEN12MS-CR contains (``SPRING_ROIS``) by the SHA-256
    of ``"ROIs1158_spring_<roi>"``; the 2 first are test, the next 2 val, the other 37 train
    (SEN12MS-CR's spring has 41 ROIs, not 42). Spring ROIs outside that list go to train. Any
    ROI of summer, fall or winter is test.
``uncrtaints`` — the official SEN12MS-CR split of UnCRtainTS (Ebel et al., CVPRW 2023), copied
    from ``data/dataLoader.py`` of github.com/PatrickTUM/UnCRtainTS (class ``SEN12MSCR``):
    10 val ROIs, 10 test ROIs, every other ROI train. (Their loader matches ROI names as
    substrings, so ``s1_1`` there also catches ``s1_1xx``; we match exactly.)
``all`` — every ROI in every split (for smoke runs and for evaluating a whole folder).
"""

import hashlib
from typing import Dict, Iterable, List, Sequence, Tuple

PROTOCOLS = ("paper", "uncrtaints", "all")
SPLITS = ("train", "val", "test")

#: The 41 spring ROIs of SEN12MS-CR (union of UnCRtainTS' train, val and test lists).
SPRING_ROIS = (
    1, 6, 8, 9, 15, 17, 21, 26, 31, 39, 40, 44, 45, 58, 63, 66, 75, 77, 97, 100, 101, 106,
    109, 110, 113, 115, 117, 119, 120, 121, 123, 124, 126, 128, 132, 134, 140, 141, 142, 145,
    147,
)  # fmt: skip

UNCRTAINTS_VAL = {
    ("ROIs2017_winter", 22), ("ROIs1868_summer", 19), ("ROIs1970_fall", 65),
    ("ROIs1158_spring", 17), ("ROIs2017_winter", 107), ("ROIs1868_summer", 80),
    ("ROIs1868_summer", 127), ("ROIs2017_winter", 130), ("ROIs1868_summer", 17),
    ("ROIs2017_winter", 84),
}  # fmt: skip
UNCRTAINTS_TEST = {
    ("ROIs1158_spring", 106), ("ROIs1158_spring", 123), ("ROIs1158_spring", 140),
    ("ROIs1158_spring", 31), ("ROIs1158_spring", 44), ("ROIs1868_summer", 119),
    ("ROIs1868_summer", 73), ("ROIs1970_fall", 139), ("ROIs2017_winter", 108),
    ("ROIs2017_winter", 63),
}  # fmt: skip

PAPER_TEST_COUNT, PAPER_VAL_COUNT = 2, 2


def _rank_key(roi: int) -> str:
    return hashlib.sha256(f"ROIs1158_spring_{roi}".encode()).hexdigest()


def paper_spring_split() -> Dict[int, str]:
    """Spring ROI -> split under the ``paper`` protocol (deterministic, see module docstring)."""
    ranked = sorted(SPRING_ROIS, key=_rank_key)
    out = {roi: "train" for roi in ranked}
    for roi in ranked[:PAPER_TEST_COUNT]:
        out[roi] = "test"
    for roi in ranked[PAPER_TEST_COUNT : PAPER_TEST_COUNT + PAPER_VAL_COUNT]:
        out[roi] = "val"
    return out


def split_of(scene: str, roi: int, protocol: str = "paper") -> Tuple[str, ...]:
    """The split(s) the ROI ``(scene, roi)`` belongs to, e.g. ``("train",)``."""
    season = scene.split("_")[1]
    if protocol == "all":
        return SPLITS
    if protocol == "paper":
        if season != "spring":
            return ("test",)
        return (paper_spring_split().get(int(roi), "train"),)
    if protocol == "uncrtaints":
        key = (scene, int(roi))
        if key in UNCRTAINTS_TEST:
            return ("test",)
        return ("val",) if key in UNCRTAINTS_VAL else ("train",)
    raise ValueError(f"unknown split protocol {protocol!r}; choose from {PROTOCOLS}")


def select(items: Iterable, split: str, protocol: str = "paper") -> List:
    """The items (anything with ``.scene`` and ``.roi``, e.g. Triplets) in ``split``."""
    if split not in SPLITS and split != "all":
        raise ValueError(f"unknown split {split!r}; choose from {SPLITS + ('all',)}")
    return [t for t in items if split == "all" or split in split_of(t.scene, t.roi, protocol)]


def rois_by_split(items: Sequence, protocol: str = "paper") -> Dict[str, set]:
    """{split: {(scene, roi), ...}} for the given items (used to check for ROI leaks)."""
    out: Dict[str, set] = {s: set() for s in SPLITS}
    for t in items:
        for s in split_of(t.scene, t.roi, protocol):
            out[s].add((t.scene, int(t.roi)))
    return out
