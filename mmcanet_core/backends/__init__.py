"""Running the network on a batch of tiles: the backend interface and the onnxruntime backend
(``base``), and the PyTorch backend (``pytorch``). A backend knows its device, its tile
multiple and its memory; the engine only calls ``run(sar, optical)``.
"""
