"""Issue 20's last goal, quickly: per held-out patch, PSNR of the default output against the
better of the cloudy input and the raw network output (``scripts/composite_eval.py``'s cases,
``predict`` and ``scores``; raw and the default setting only).

    .venv/bin/python scripts/heldout_psnr.py [--weights W] [--threads 2]
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import composite_eval as ce  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    import torch

    from mmcanet_core.options import shipped_checkpoint

    torch.set_num_threads(args.threads)
    weights = args.weights or shipped_checkpoint()
    print(f"weights {weights.name}\n")
    print("| patch | PSNR input | raw | default | mask cloud % | goal |")
    print("|---|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for case in ce.cases(ce.ROOT.parent / "shared" / "data", Path(tmp)):
            if not case.held_out:
                continue
            inp, clear = ce.read_raster(case.cloudy), ce.read_raster(case.clear)  # every band
            psnr = {"input": ce.scores(inp, clear)[0]}
            for name, options in (("raw", dict(raw=True)), ("default", {})):
                out = Path(tmp) / f"{name}.tif"
                data, result = ce.predict(case, out, weights, **options)
                psnr[name] = ce.scores(data, clear)[0]  # the output keeps the input's bands
            met = psnr["default"] >= max(psnr["input"], psnr["raw"])
            print(f"| {case.key} | {psnr['input']:.2f} | {psnr['raw']:.2f} | "
                  f"{psnr['default']:.2f} | {100 * result.cloud_cover:.1f} | "
                  f"{'met' if met else '**not met**'} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
