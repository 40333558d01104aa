"""Training and evaluation data: SEN12MS-CR triplets, ROI splits, synthetic clouds, cloud cover.

- :mod:`.sen12mscr` — the ``SEN12MSCR`` dataset over the dataset's own folder layout.
- :mod:`.splits` — ROI-level splits (the paper's spring 38/2/2 protocol, UnCRtainTS' official one).
- :mod:`.clouds` — a *synthetic* cloud simulator over real cloud-free images.
- :mod:`.cloud_cover` — a per-patch cloud (+ shadow) cover estimate and the paper's cover bins.
- :mod:`.bigearthnet` — the 6 real S1/S2 pairs shipped in ``bigearthnet-common``.
- :mod:`.synthetic` — ``SyntheticClouds``: real clear pairs + simulated clouds as training triplets.
"""
