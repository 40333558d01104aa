"""Which pixels are cloud and what replaces them: the automatic cloud and shadow mask
(``cloudmask``), a user's mask in any convention (``usermask``), the per-pixel blend of input
and network (``composite``), and the engine layers that apply them tile by tile (``masking``).
"""
