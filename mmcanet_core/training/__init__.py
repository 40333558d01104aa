"""Training and measuring a network: the one training loop (``train``), the paper's loss
(``losses``, eqs. 13-16) and metrics (``metrics``, eqs. 17-20), and metric tables over held-out
data (``evaluate``). Depends on ``models``, ``data`` and ``weights``; nothing in inference
imports it.
"""
