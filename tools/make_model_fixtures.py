#!/usr/bin/env python3
"""Parity fixtures for Crescendo's model presets, from the PyTorch reference definitions
(shared/bench/reference_models.py), run with Debian's python3-torch:

    bash tools/python-tools.sh tools/make_model_fixtures.py [--reference-dir ../shared/bench]
    bash tools/python-tools.sh tools/make_model_fixtures.py --verify PRESET WEIGHTS.safetensors LOGITS.safetensors

Default mode writes, for each small preset, Tests/ModelsTests/Fixtures/<preset>.safetensors with
the reference's state dict (random BN statistics so that eval mode is exercised) under
"state.<name>" and its eval-mode logits for the deterministic input `parity_input` under "logits".
--verify loads Crescendo-written weights into the reference with load_state_dict(strict=True)
and checks that the reference reproduces Crescendo's logits (within 1e-4).
"""
import argparse
import math
import os
import sys

import json
import struct

import torch

try:
    from safetensors.torch import load_file, save_file
except ImportError:  # --verify runs from the Swift tests with Debian's bare python3-torch
    load_file = save_file = None

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
          "BOOL": torch.bool}


def read_safetensors(path):
    """A minimal safetensors reader, so that --verify needs nothing beyond torch."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=DTYPES[info["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out

HERE = os.path.dirname(os.path.abspath(__file__))


def parity_input(batch, samples):
    """Two tones and a chirp-like term per example, computed in float64 then rounded to float32
    (the Swift test computes the same formula)."""
    n = torch.arange(samples, dtype=torch.float64)
    rows = []
    for b in range(batch):
        f = 220.0 * (b + 1)
        x = 0.3 * torch.sin(2 * math.pi * f * n / 16000) + 0.1 * torch.sin(2 * math.pi * 3150 * n / 16000 + b) \
            + 0.05 * torch.sin(2 * math.pi * (100 + 0.01 * n) * n / 16000)
        rows.append(x)
    return torch.stack(rows).float()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference-dir", default=os.path.join(HERE, "..", "..", "shared", "bench"))
    ap.add_argument("--presets", nargs="+", default=["resnet-xs", "mtt-xs"])
    ap.add_argument("--verify", nargs=3, metavar=("PRESET", "WEIGHTS", "LOGITS"))
    a = ap.parse_args()
    sys.path.insert(0, os.path.abspath(a.reference_dir))
    from reference_models import build
    torch.set_num_threads(1)

    if a.verify:
        preset, weights, logits = a.verify
        model = build(preset, 50).eval()
        model.load_state_dict(read_safetensors(weights), strict=True)
        expected = read_safetensors(logits)
        x = expected["input"]
        with torch.no_grad():
            y = model(x)
        diff = (y - expected["logits"]).abs().max().item()
        print(f"{preset}: strict load OK, max |logit difference| {diff:.3g}")
        sys.exit(0 if diff < 1e-4 else 1)

    out_dir = os.path.join(HERE, "..", "Tests", "ModelsTests", "Fixtures")
    os.makedirs(out_dir, exist_ok=True)
    for preset in a.presets:
        torch.manual_seed(1234)
        model = build(preset, 50)
        with torch.no_grad():
            for name, buf in model.named_buffers():
                if name.endswith("running_mean"):
                    buf.copy_(torch.randn_like(buf) * 0.1)
                elif name.endswith("running_var"):
                    buf.copy_(torch.rand_like(buf) + 0.5)
                elif name.endswith("num_batches_tracked"):
                    buf.fill_(7)
            for name, p in model.named_parameters():
                if name in ("cls_token", "positions"):
                    p.copy_(torch.randn_like(p) * 0.02)
        model.eval()
        x = parity_input(2, type(model).clip_samples)
        with torch.no_grad():
            logits = model(x)
        tensors = {f"state.{k}": v.contiguous() for k, v in model.state_dict().items()}
        tensors["logits"] = logits
        save_file(tensors, os.path.join(out_dir, f"{preset}.safetensors"),
                  metadata={"torch": torch.__version__, "preset": preset})
        count = sum(p.numel() for p in model.parameters())
        print(f"{preset}: {count} parameters, logits {tuple(logits.shape)}")


if __name__ == "__main__":
    main()
