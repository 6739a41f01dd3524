#!/usr/bin/env python3
"""The PyTorch side of `crescendo bench models --paired`: one preset and mode of
shared/bench/bench_reference.py, timed one step at a time on request, so that Crescendo can
alternate its own steps with PyTorch's and compare them under the same load (the benchmark
machine is shared and noisy). The step definitions are bench_reference.py's, verbatim:

train = zero_grad + forward + BCE-with-logits + backward + AdamW step (lr 1e-4, wd 1e-2).
infer = eval mode, no_grad, sigmoid of the logits.

usage: /usr/bin/python3 paired_reference.py --reference-dir DIR PRESET --mode train|infer
       [--batch 8] [--threads 2] [--classes 50]
protocol: prints "ready <engine> <params>" after building the model and one warm-up step; then
for each input line "step" runs one step and prints its seconds; "quit" (or EOF) ends.
"""
import argparse
import os
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("preset")
    ap.add_argument("--reference-dir", required=True)
    ap.add_argument("--mode", required=True, choices=["train", "infer"])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--classes", type=int, default=50)
    a = ap.parse_args()
    sys.path.insert(0, os.path.abspath(a.reference_dir))
    from reference_models import build

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = build(a.preset, a.classes)
    samples = type(model).clip_samples
    x = torch.randn(a.batch, samples) * 0.1
    y = (torch.rand(a.batch, a.classes) > 0.9).float()
    if a.mode == "train":
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-2)
        loss_fn = torch.nn.BCEWithLogitsLoss()

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            opt.step()
    else:
        model.eval()

        def step():
            with torch.no_grad():
                torch.sigmoid(model(x))

    step()
    print("ready", "pytorch-" + torch.__version__, sum(p.numel() for p in model.parameters()), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command == "step":
            t = time.perf_counter()
            step()
            print(time.perf_counter() - t, flush=True)


if __name__ == "__main__":
    main()
