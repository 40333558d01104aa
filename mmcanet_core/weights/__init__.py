"""The saved network: safetensors weights with JSON metadata (``checkpoint``: save, load,
verify, the shipped demonstrator), the same network as an ONNX graph with our metadata
(``onnx_file``), and the export from one to the other (``export``). Never unpickles a file.
"""
