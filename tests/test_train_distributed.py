"""Issue 21: `torchrun --nproc_per_node 2 -m mmcanet_core train` (gloo, CPU) on real patches.

Both processes end with identical weights, the data is split between them, only rank 0 writes
the run folder, and a run killed after an epoch resumes to the weights of an uninterrupted run.
Tiny network, 32 px crops of the real sen12mscr_nogeo triplets, a few steps: about a minute on
two cores.
"""

import csv
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import torch

from mmcanet_core.training.train import load_resume
from mmcanet_core.weights.checkpoint import load_weights

EPOCHS, STEPS, BATCH = 5, 2, 2
CONFIG = {
    "model": "mmcanet",
    "model_options": {"width": 8, "enc_blocks": [1, 1, 1, 1], "dec_blocks": [1, 1],
                      "num_bases": 4, "uncertainty": True},
    "bands": "all", "data": "mixture",
    "sources": [{"kind": "triplets", "layout": "folders", "root": "sen12mscr_nogeo", "weight": 1},
                {"kind": "clear", "layout": "folders", "root": "sen12mscr_nogeo", "weight": 1}],
    "held_out": ["sen12mscr_nogeo/2729"],
    "validation": {"kind": "triplets", "layout": "folders", "root": "sen12mscr_nogeo",
                   "ids": ["581"]},
    "size": 32, "batch_size": BATCH, "epochs": EPOCHS, "max_steps": STEPS, "lr": 1e-3,
    "schedule": "cosine", "warmup_steps": 2, "init": "identity", "workers": 0, "device": "cpu",
}  # fmt: skip
RUN_FOLDER = {"config.json", "log.csv", "curves.png", "best.safetensors", "last.safetensors",
              "resume.safetensors", "ranks.json"}  # fmt: skip


def libuv_available() -> bool:
    """Whether this torch's TCPStore has its default libuv backend (Debian 13's python3-torch
    2.6 is built without it)."""
    try:
        torch.distributed.TCPStore("127.0.0.1", 0, 1, True)
    except RuntimeError as exc:
        if "libuv" not in str(exc):
            raise
        return False
    return True


#: Where torch has no libuv, torchrun cannot start (torch 2.6's static and c10d rendezvous
#: both create a libuv TCPStore, whatever USE_LIBUV says): two workers are started as
#: docs/training.md says, with the env:// variables and USE_LIBUV=0 (which env:// honours);
#: SIGTERM is passed on to them, as torchrun does.
LAUNCH_TWO = """
import os, signal, subprocess, sys
port, command = sys.argv[1], sys.argv[2:]
workers = [subprocess.Popen(command, env=dict(
    os.environ, MASTER_ADDR="127.0.0.1", MASTER_PORT=port, WORLD_SIZE="2", RANK=str(rank),
    LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE="2", USE_LIBUV="0")) for rank in range(2)]
signal.signal(signal.SIGTERM, lambda *_: [w.send_signal(signal.SIGTERM) for w in workers])
sys.exit(max(abs(w.wait()) for w in workers))
"""


def launcher() -> list:
    """The command that starts two training processes: torchrun where torch has libuv."""
    if libuv_available():
        return [sys.executable, "-m", "torch.distributed.run", "--standalone",
                "--nproc_per_node", "2"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return [sys.executable, "-c", LAUNCH_TWO, str(port), sys.executable]


def torchrun(config_path, out, *extra, wait=True):
    cmd = [*launcher(), "-m", "mmcanet_core", "train", "--config", str(config_path), "--out",
           str(out), *extra]  # fmt: skip
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)  # fmt: skip
    if not wait:
        return proc
    output, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, output[-3000:]
    return output


def weights_digest(path):
    """sha256 over the state dict's tensors, as the training loop computes it per rank."""
    model, _ = load_weights(path)
    digest = hashlib.sha256()
    for value in model.state_dict().values():
        digest.update(value.contiguous().numpy().tobytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def config_file(tmp_path_factory, sen12mscr):
    path = tmp_path_factory.mktemp("cfg") / "tiny.json"
    path.write_text(json.dumps(dict(CONFIG, root=str(sen12mscr.parent))))
    return path


@pytest.fixture(scope="module")
def straight(config_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp") / "straight"
    torchrun(config_file, out)
    return out


def test_two_processes_split_the_data_and_keep_identical_weights(straight):
    assert {p.name for p in straight.iterdir()} == RUN_FOLDER  # no rank-1 copies, no .part
    ranks = json.loads((straight / "ranks.json").read_text())
    assert sorted(ranks) == [str(e) for e in range(1, EPOCHS + 1)]
    for epoch, (rank0, rank1) in ranks.items():
        assert len(rank0["indices"]) == len(rank1["indices"]) == STEPS * BATCH, epoch
        assert not set(rank0["indices"]) & set(rank1["indices"]), "both ranks got one sample"
        assert sorted(rank0["indices"] + rank1["indices"]) == list(range(2 * STEPS * BATCH))
        assert rank0["weights_sha256"] == rank1["weights_sha256"], f"weights differ, {epoch}"
    assert ranks[str(EPOCHS)][1]["weights_sha256"] == weights_digest(straight / "last.safetensors")
    assert ranks["1"][0]["weights_sha256"] != ranks[str(EPOCHS)][0]["weights_sha256"]  # trained
    with open(straight / "log.csv") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == list(range(EPOCHS + 1))  # one writer, one row each
    model, meta = load_weights(straight / "last.safetensors")
    assert model.has_uncertainty and model.in_channels == 13 and meta["steps"] == EPOCHS * STEPS


def test_a_killed_run_resumes_to_the_uninterrupted_weights(config_file, straight, tmp_path):
    out = tmp_path / "killed"
    proc = torchrun(config_file, out, wait=False)
    resume = out / "resume.safetensors"
    deadline = time.monotonic() + 300
    while not resume.is_file() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    # As a scheduler pre-empts a job: torchrun passes SIGTERM on to its workers (each in its own
    # process session) and waits for them; no handler in the loop, so they stop mid-epoch.
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) != 0
    saved = load_resume(resume)[2]["epoch"]
    assert 1 <= saved < EPOCHS, "the run ended before it could be killed"
    output = torchrun(config_file, out, "--resume")
    assert f"resumed from {resume} at epoch {saved + 1}" in output
    with open(out / "log.csv") as f:
        assert [int(r["epoch"]) for r in csv.DictReader(f)] == list(range(EPOCHS + 1))
    resumed, _ = load_weights(out / "last.safetensors")
    reference, _ = load_weights(straight / "last.safetensors")
    for (name, a), b in zip(resumed.state_dict().items(), reference.state_dict().values()):
        torch.testing.assert_close(a, b, msg=name)
