#!/usr/bin/env python3
"""Crescendo's key network (Sources/Models/KeyNetwork.swift) in PyTorch eager, for speed
comparisons (`crescendo bench models --preset keynet-s --paired tools/key_reference.py`) and a
parity fixture (Tests/ModelsTests/Fixtures/keynet-parity.safetensors).

Same architecture and the same work as Crescendo's:
- constant-Q front end (ConstantQTransform defaults: 16 kHz, 288 bins at 36 per octave from C1
  minus 18 bins of margin, hop 3200): the kernel design of ConstantQKernels.swift ported line
  by line (librosa's filters without its FFT-basis approximation, octave groups at the lowest
  rate that fits), the same 65-tap Kaiser halfband filter applied as the same banded matrix
  product per block of 32 outputs, one framed matrix product per octave group, |.|, dB.
  Frames come from `Tensor.unfold` (a view, materialised by matmul), as in Crescendo. The one
  difference in the work: this pads the signal with F.pad for each frame matrix read from it
  (the plain way to write it), where Crescendo pads each rate's signal once for all the reads
  at that rate (one full-signal copy fewer per rate; the FLOPs are the same). The kernel
  matrices are designed in float64 here as in Swift and rounded to float32, so the two agree
  to float32 rounding of the products.
- inference in eval mode as written (PyTorch eager does not fold batch norm or change the
  layout); Crescendo's `bench models` infers on a copy prepared for inference (batch norm
  folded into the convolutions, channels-last), as for the other presets.
- the centre window of 252 bins (no transposition: the benchmark does not transpose),
  spec_bn, `depth` × (3×3 conv, BN, ReLU) with time max-pool by 2 after layers 1 and 3,
  time mean, dropout, PitchClassKeyHead (Conv1d width→2, kernel 36, stride 3 over the
  frequency axis padded 1 below and 32 above; (batch, 2, octaves, 12) averaged over octaves,
  rolled by the lowest pitch class, gathered into the task's class order).
State dict names are Crescendo's, so its safetensors load with strict=True.

usage (paired protocol of tools/paired_reference.py, Debian's python3-torch):
    /usr/bin/python3 tools/key_reference.py keynet-s --mode train|infer [--batch 8] [--threads 2]
      train = zero_grad + forward + cross-entropy (24 keys) + backward + AdamW (lr 1e-4, wd 1e-2)
      infer = eval mode, no_grad, softmax of the logits
      frontend = the constant-Q front end alone, no_grad (where the time goes)
    prints "ready <engine> <params>", then one line of seconds per "step" line read; "quit" ends.
fixture (needs safetensors: bash tools/python-tools.sh tools/key_reference.py --write-fixture):
    writes the reference's state dict (width 8, random BN statistics) under "state.<name>",
    the eval-mode logits of make_model_fixtures.parity_input(2, 240000) under "logits" and the
    time-averaged features under "features".
"""
import argparse
import math
import os
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTHS = {"keynet-xs": 16, "keynet-s": 32, "keynet-m": 64, "keynet-l": 128, "keynet-xl": 184}
CLIP_SAMPLES = 240_000


# --- constant-Q kernels: ConstantQKernels.swift and HalfbandDecimator.swift, ported --------------

class Config:
    sample_rate = 16000
    fmin = 32.703195662574764
    bins_per_octave = 36
    bins = 252
    hop_length = 3200
    filter_scale = 1.0
    margin_bins = 18
    amin = 1e-5
    reference = 1.0
    top_db = 80.0  # ConstantQTransform.keyDefault

    @property
    def total_bins(self):
        return self.bins + 2 * self.margin_bins

    @property
    def lowest_hz(self):
        return self.fmin * math.pow(2, -self.margin_bins / self.bins_per_octave)

    @property
    def frequencies(self):
        return [self.lowest_hz * math.pow(2, k / self.bins_per_octave) for k in range(self.total_bins)]

    @property
    def q(self):
        r = math.pow(2, 2 / self.bins_per_octave)
        return self.filter_scale * (r + 1) / (r - 1)

    def frame_count(self, samples):
        return samples // self.hop_length + 1


HALFBAND_TAPS, HALFBAND_BETA, PASSBAND_EDGE, OUTPUTS_PER_BLOCK = 65, 10.06, 0.4, 32


def bessel_i0(x):
    total, term, k = 1.0, 1.0, 1.0
    while term > 1e-17 * total:
        term *= (x / (2 * k)) * (x / (2 * k))
        total += term
        k += 1
    return total


def halfband_taps():
    center = (HALFBAND_TAPS - 1) / 2
    h = []
    for n in range(HALFBAND_TAPS):
        x = n - center
        sinc = 0.5 if x == 0 else math.sin(math.pi * x / 2) / (math.pi * x)
        r = x / center
        h.append(sinc * bessel_i0(HALFBAND_BETA * math.sqrt(1 - r * r)) / bessel_i0(HALFBAND_BETA))
    s = sum(h)
    return [v / s for v in h]


def halfband_matrix():
    """(2·M + taps − 2, M): column i holds the taps at rows 2i …< 2i + taps."""
    m, h = OUTPUTS_PER_BLOCK, halfband_taps()
    w = torch.zeros(2 * m + HALFBAND_TAPS - 2, m, dtype=torch.float64)
    for i in range(m):
        w[2 * i:2 * i + HALFBAND_TAPS, i] = torch.tensor(h, dtype=torch.float64)
    return w.float()


def kernel(hz, level, cfg):
    rate = cfg.sample_rate / (1 << level)
    ilen = cfg.q * rate / hz
    n = int(math.floor(ilen / 2) - math.floor(-ilen / 2))
    window = [0.5 - 0.5 * math.cos(2 * math.pi * j / n) for j in range(n)]
    norm = math.sqrt(cfg.q * cfg.sample_rate / hz) / sum(window)
    top = (n + 1) // 2
    omega = 2 * math.pi * hz / rate
    values = []
    for j in reversed(range(n)):
        d = top - j
        values.append((window[j] * norm * math.cos(omega * d), -window[j] * norm * math.sin(omega * d)))
    return top - n + 1, values


def groups(cfg):
    """[(level, first_offset, (length, 2·count) float32 kernel)], lowest bins first."""
    freqs, q, bpo = cfg.frequencies, cfg.q, cfg.bins_per_octave
    twos, hop = 0, cfg.hop_length
    while hop % 2 == 0:
        twos += 1
        hop //= 2
    out, end = [], len(freqs)
    while end > 0:
        start = max(0, end - bpo)
        highest = freqs[end - 1] * (1 + 2 / q)
        level = 0
        while level < twos and highest <= PASSBAND_EDGE * cfg.sample_rate / (1 << (level + 1)):
            level += 1
        kernels = [kernel(freqs[k], level, cfg) for k in range(start, end)]
        lo = min(k[0] for k in kernels)
        hi = max(k[0] + len(k[1]) - 1 for k in kernels)
        count = end - start
        w = torch.zeros(hi - lo + 1, 2 * count, dtype=torch.float64)
        for column, (first, values) in enumerate(kernels):
            v = torch.tensor(values, dtype=torch.float64)
            w[first - lo:first - lo + len(values), column] = v[:, 0]
            w[first - lo:first - lo + len(values), count + column] = v[:, 1]
        out.append((level, lo, w.float()))
        end = start
    return list(reversed(out))


def frames(z, count, hop, first_offset, length):
    """(batch, count, length): frame t holds z[t·hop + first_offset …], zeros outside z."""
    samples = z.shape[1]
    left = max(0, -first_offset)
    base = first_offset + left
    need = base + (count - 1) * hop + length
    right = max(0, need - (samples + left))
    return F.pad(z, (left, right))[:, base:need].unfold(1, length, hop)


class ConstantQ(nn.Module):
    """Waveform (batch, samples) → dB constant-Q (batch, 288, frames); no state dict entries."""

    def __init__(self, cfg=None):
        super().__init__()
        self.cfg = cfg or Config()
        self.groups = groups(self.cfg)
        self.levels = max(g[0] for g in self.groups)
        self.halfband = halfband_matrix()

    def halve(self, z):
        batch, outputs = z.shape[0], (z.shape[1] + 1) // 2
        m = OUTPUTS_PER_BLOCK
        blocks = (outputs + m - 1) // m
        rows = frames(z, blocks, 2 * m, -(HALFBAND_TAPS // 2), self.halfband.shape[0])
        return rows.matmul(self.halfband).reshape(batch, blocks * m)[:, :outputs]

    def forward(self, x):
        n = self.cfg.frame_count(x.shape[1])
        signals = [x]
        for _ in range(self.levels):
            signals.append(self.halve(signals[-1]))
        parts = []
        for level, first_offset, k in self.groups:
            response = frames(signals[level], n, self.cfg.hop_length >> level, first_offset, k.shape[0]).matmul(k)
            count = k.shape[1] // 2
            re, im = response[..., :count], response[..., count:]
            parts.append((re.square() + im.square()).sqrt())
        magnitude = torch.cat(parts, dim=2).transpose(1, 2).contiguous()
        db = magnitude.clamp(min=self.cfg.amin).log10_().mul_(20.0)
        offset = 20.0 * math.log10(max(self.cfg.amin, self.cfg.reference))
        db = db.sub_(offset) if offset != 0 else db
        if self.cfg.top_db is not None:
            db = torch.maximum(db, db.amax(dim=(1, 2), keepdim=True) - self.cfg.top_db)
        return db

    def window(self, full):
        m = self.cfg.margin_bins
        return full[:, m:m + self.cfg.bins]


# --- the network ----------------------------------------------------------------------------

class PitchClassKeyHead(nn.Module):
    def __init__(self, features, hidden=32, bins_per_semitone=3, lowest_pitch_class=0, order=None):
        super().__init__()
        self.template = nn.Conv1d(features, hidden, 12 * bins_per_semitone, stride=bins_per_semitone)
        self.norm = nn.BatchNorm1d(hidden)
        self.circle = nn.Conv1d(hidden, 2, 12)
        self.b = bins_per_semitone
        self.lowest = lowest_pitch_class
        # order[task class] = canonical key; identity for classes in canonical order.
        self.order = torch.arange(24) if order is None else order

    def forward(self, x):
        batch, bins, b = x.shape[0], x.shape[2], self.b
        matches = F.relu(self.norm(self.template(F.pad(x, (b // 2, 11 * b - b // 2)))))
        hidden = matches.shape[1]
        pitch_classes = matches.reshape(batch, hidden, bins // b // 12, 12).mean(dim=2).roll(self.lowest, dims=2)
        wrapped = torch.cat([pitch_classes, pitch_classes[:, :, :11]], dim=2)
        return self.circle(wrapped).reshape(batch, 24).index_select(1, self.order)


class KeyNetwork(nn.Module):
    clip_samples = CLIP_SAMPLES
    time_pooling_after = (1, 3)

    def __init__(self, width, depth=5, dropout=0.1):
        super().__init__()
        self.frontend = ConstantQ()
        self.spec_bn = nn.BatchNorm2d(1)
        self.convolutions = nn.ModuleList(
            [nn.Conv2d(1 if i == 0 else width, width, 3, padding=1) for i in range(depth)])
        self.norms = nn.ModuleList([nn.BatchNorm2d(width) for _ in range(depth)])
        self.dropout = nn.Dropout(dropout)
        self.head = PitchClassKeyHead(width)

    def features(self, waveform):
        x = self.spec_bn(self.frontend.window(self.frontend(waveform)).unsqueeze(1))
        for i, (conv, norm) in enumerate(zip(self.convolutions, self.norms)):
            x = F.relu_(norm(conv(x)))
            if i in self.time_pooling_after and x.shape[3] >= 2:
                x = F.max_pool2d(x, (1, 2), (1, 2))
        return self.dropout(x.mean(dim=3))

    def forward(self, waveform):
        return self.head(self.features(waveform))


# --- modes ----------------------------------------------------------------------------------

def paired(a):
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = KeyNetwork(WIDTHS[a.preset])
    x = torch.randn(a.batch, CLIP_SAMPLES) * 0.1
    y = torch.randint(0, 24, (a.batch,))
    if a.mode == "train":
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=1e-2)
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad(set_to_none=True)
            loss_fn(model(x), y).backward()
            opt.step()
    elif a.mode == "infer":
        model.eval()

        def step():
            with torch.no_grad():
                torch.softmax(model(x), dim=1)
    else:  # the constant-Q front end alone, for profiling

        def step():
            with torch.no_grad():
                model.frontend(x)

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


def write_fixture():
    from safetensors.torch import save_file
    sys.path.insert(0, HERE)
    from make_model_fixtures import parity_input
    torch.set_num_threads(1)
    torch.manual_seed(1234)
    model = KeyNetwork(8)
    with torch.no_grad():
        for name, buf in model.named_buffers():
            if name.endswith("running_mean"):
                buf.copy_(torch.randn_like(buf) * (10.0 if name.startswith("spec_bn") else 0.1))
            elif name.endswith("running_var"):
                buf.copy_((torch.rand_like(buf) + 0.5) * (400.0 if name.startswith("spec_bn") else 1.0))
            elif name.endswith("num_batches_tracked"):
                buf.fill_(7)
    model.eval()
    x = parity_input(2, CLIP_SAMPLES)
    with torch.no_grad():
        features = model.features(x)
        logits = model.head(features)
    tensors = {f"state.{k}": v.contiguous() for k, v in model.state_dict().items()}
    tensors["logits"] = logits
    tensors["features"] = features.contiguous()
    path = os.path.join(HERE, "..", "Tests", "ModelsTests", "Fixtures", "keynet-parity.safetensors")
    save_file(tensors, path, metadata={"torch": torch.__version__, "width": "8", "made_by": "tools/key_reference.py"})
    print(f"{os.path.normpath(path)}: {sum(p.numel() for p in model.parameters())} parameters, logits {logits.tolist()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("preset", nargs="?", choices=sorted(WIDTHS))
    ap.add_argument("--mode", choices=["train", "infer", "frontend"])
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--classes", type=int, default=24, help="ignored: the key task has 24 classes")
    ap.add_argument("--reference-dir", help="ignored (paired_reference.py's protocol passes it)")
    ap.add_argument("--write-fixture", action="store_true")
    a = ap.parse_args()
    if a.write_fixture:
        write_fixture()
    elif a.preset and a.mode:
        paired(a)
    else:
        ap.error("name a preset and --mode, or --write-fixture")


if __name__ == "__main__":
    main()
