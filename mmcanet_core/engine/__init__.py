"""The framework-free scene engine: raster IO on windows (``raster``), tiles and the
cross-faded strip blender (``tiling``), the three-stage read / network / write pipeline
(``pipeline``), one scene run end to end (``scene``) and the quick-look PNG (``preview``).
It knows nothing of clouds or of PyTorch: the network arrives as a backend, the cloud logic as
layers (:mod:`mmcanet_core.clouds.masking`).
"""
