#!/usr/bin/env python3
"""Writes the PyTorch oracle fixtures that Crescendo's Swift tests compare against.

Run with Debian's interpreter (the same libtorch 1.13 that Crescendo links) inside the
tools virtual environment, which adds the `safetensors` package:

    bash tools/python-tools.sh tools/make_torch_fixtures.py

Output (committed, small): Tests/TorchTests/Fixtures/ops.safetensors and optim.safetensors.
Naming: "<case>.in.<name>" inputs, "<case>.out" the output, "<case>.gout" the upstream
gradient used for the backward pass (loss = sum(out * gout)), "<case>.grad.<name>" the
gradient of each input that requires one.
"""
import os
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "TorchTests", "Fixtures")
torch.manual_seed(20261124)
torch.set_num_threads(1)


def r(*shape):
    return torch.randn(tuple(shape), dtype=torch.float32)


def pos(*shape):
    return torch.rand(*shape, dtype=torch.float32) + 0.5


tensors = {}


def case(name, inputs, fn, grad=None):
    """inputs: dict of tensors; fn(**inputs) -> tensor; grad: names of inputs to differentiate."""
    grad = list(inputs) if grad is None else grad
    leaves = {}
    for k, v in inputs.items():
        leaf = v.clone()
        if k in grad:
            leaf.requires_grad_(True)
        leaves[k] = leaf
        tensors[f"{name}.in.{k}"] = v.clone()
    out = fn(**leaves)
    tensors[f"{name}.out"] = out.detach().clone()
    if grad and out.dtype.is_floating_point:
        gout = r(*out.shape)
        tensors[f"{name}.gout"] = gout
        (out * gout).sum().backward()
        for k in grad:
            tensors[f"{name}.grad.{k}"] = leaves[k].grad.clone()


# ---- element-wise and broadcasting
case("add", dict(a=r(3, 4), b=r(4)), lambda a, b: a + b)
case("sub", dict(a=r(3, 4), b=r(3, 1)), lambda a, b: a - b)
case("mul", dict(a=r(2, 3, 4), b=r(3, 4)), lambda a, b: a * b)
case("div", dict(a=r(3, 4), b=pos(3, 4)), lambda a, b: a / b)
case("scalar_ops", dict(a=r(3, 4)), lambda a: (2.0 - a) * 3.0 + 1.5 / (a.abs() + 1.0))
case("pow", dict(a=pos(3, 4)), lambda a: a.pow(2.5))
case("exp_log", dict(a=pos(3, 4)), lambda a: a.exp() + a.log() + a.log10() + a.sqrt())
case("activations", dict(a=r(4, 5)), lambda a: torch.tanh(a) + torch.sigmoid(a) * 2 + F.relu(a) * 3 + F.gelu(a) * 4)
case("clamp", dict(a=r(4, 5)), lambda a: a.clamp(-0.5, 0.7))
case("maximum", dict(a=r(4, 5), b=r(5)), lambda a, b: torch.maximum(a, b))
case("where", dict(c=r(4, 5) > 0, a=r(4, 5), b=r(1, 5)), lambda c, a, b: torch.where(c, a, b), grad=["a", "b"])
case("compare", dict(a=r(4, 5), b=r(4, 5)), lambda a, b: (a > b).float() + (a <= 0.1).float() * 2, grad=[])
# ---- reductions
case("sum_dims", dict(a=r(3, 4, 5)), lambda a: a.sum(dim=(0, 2)))
case("mean_keepdim", dict(a=r(3, 4, 5)), lambda a: a.mean(dim=1, keepdim=True))
case("amax", dict(a=r(3, 4, 5)), lambda a: a.amax(dim=(1, 2)))
case("logsumexp", dict(a=r(3, 7)), lambda a: a.logsumexp(dim=1))
case("softmax", dict(a=r(3, 7)), lambda a: a.softmax(dim=1))
case("log_softmax", dict(a=r(3, 7)), lambda a: a.log_softmax(dim=-1))
case("max_dim", dict(a=r(3, 7)), lambda a: a.max(dim=1).values)
case("argmax", dict(a=r(3, 7)), lambda a: a.argmax(dim=1), grad=[])
case("var_std", dict(a=r(3, 7)), lambda a: a.var(dim=1) + a.std(dim=1))
# ---- shape
case("reshape_permute", dict(a=r(2, 3, 4)), lambda a: a.permute(2, 0, 1).reshape(4, 6).transpose(0, 1) * 1.0)
case("squeeze_unsqueeze", dict(a=r(3, 1, 4)), lambda a: a.squeeze(1).unsqueeze(0) * 2)
case("expand", dict(a=r(3, 1)), lambda a: a.expand(3, 4) * torch.arange(4.0))
case("slice_step", dict(a=r(5, 8)), lambda a: a[1:4, 0:8:3] * 1.0)
case("select", dict(a=r(5, 8)), lambda a: a.select(1, 2) * 1.0)
case("cat", dict(a=r(2, 3), b=r(4, 3)), lambda a, b: torch.cat([a, b], dim=0))
case("stack", dict(a=r(2, 3), b=r(2, 3)), lambda a, b: torch.stack([a, b], dim=1))
case("index_select", dict(a=r(5, 3), i=torch.tensor([4, 0, 2, 2])), lambda a, i: a.index_select(0, i), grad=["a"])
case("gather", dict(a=r(3, 5), i=torch.tensor([[0, 4], [1, 1], [3, 2]])), lambda a, i: a.gather(1, i), grad=["a"])
# ---- linear algebra and layers
case("matmul", dict(a=r(2, 3, 4), b=r(4, 5)), lambda a, b: a @ b)
case("linear", dict(x=r(3, 4), w=r(5, 4), b=r(5)), lambda x, w, b: F.linear(x, w, b))
case("conv1d", dict(x=r(2, 3, 17), w=r(4, 3, 5), b=r(4)), lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1))
case("conv2d", dict(x=r(2, 3, 9, 11), w=r(4, 3, 3, 3), b=r(4)),
     lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2), dilation=(1, 2)))
case("conv2d_groups", dict(x=r(1, 4, 6, 6), w=r(4, 2, 3, 3)), lambda x, w: F.conv2d(x, w, None, padding=1, groups=2))
case("max_pool2d", dict(x=r(2, 3, 8, 9)), lambda x: F.max_pool2d(x, (2, 3), (2, 2), (1, 1)))
case("avg_pool2d", dict(x=r(2, 3, 8, 9)), lambda x: F.avg_pool2d(x, 2))
case("max_pool1d", dict(x=r(2, 3, 9)), lambda x: F.max_pool1d(x, 3, 2))
case("layer_norm", dict(x=r(3, 4, 6), w=r(6), b=r(6)), lambda x, w, b: F.layer_norm(x, (6,), w, b, 1e-5))
case("batch_norm_eval", dict(x=r(4, 3, 5, 5), w=r(3), b=r(3), m=r(3), v=pos(3)),
     lambda x, w, b, m, v: F.batch_norm(x, m, v, w, b, training=False, eps=1e-5), grad=["x", "w", "b"])
bn_mean, bn_var = r(3), pos(3)
rm, rv = bn_mean.clone(), bn_var.clone()
case("batch_norm_train", dict(x=r(4, 3, 5, 5), w=r(3), b=r(3)),
     lambda x, w, b: F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5))
tensors["batch_norm_train.in.running_mean"] = bn_mean
tensors["batch_norm_train.in.running_var"] = bn_var
tensors["batch_norm_train.running_mean_after"] = rm
tensors["batch_norm_train.running_var_after"] = rv
# STFT power spectrum, centred with reflect padding as librosa does.
win = torch.hann_window(64)
case("stft_power", dict(x=r(2, 400)),
     lambda x: torch.stft(x, 64, 16, window=win, center=True, pad_mode="reflect", return_complex=True).abs().pow(2))
# ---- losses
case("bce_soft", dict(x=r(4, 6), t=torch.rand(4, 6)), lambda x, t: F.binary_cross_entropy_with_logits(x, t), grad=["x"])
case("bce_weighted", dict(x=r(4, 6), t=(torch.rand(4, 6) > 0.5).float(), w=torch.rand(4, 6), pw=pos(6)),
     lambda x, t, w, pw: F.binary_cross_entropy_with_logits(x, t, weight=w, pos_weight=pw), grad=["x"])
mask = torch.tensor([1.0, 0.0, 1.0, 1.0]).unsqueeze(1)
case("bce_masked", dict(x=r(4, 6), t=torch.rand(4, 6), m=mask),
     lambda x, t, m: (F.binary_cross_entropy_with_logits(x, t, reduction="none") * m).sum() / (m.expand(4, 6)).sum(),
     grad=["x"])
case("ce_index", dict(x=r(5, 7), t=torch.tensor([0, 6, 3, 3, 1])), lambda x, t: F.cross_entropy(x, t), grad=["x"])
case("ce_smooth", dict(x=r(5, 7), t=torch.tensor([0, 6, 3, 3, 1])),
     lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), grad=["x"])
case("ce_soft", dict(x=r(5, 7), t=torch.rand(5, 7).softmax(1)), lambda x, t: F.cross_entropy(x, t), grad=["x"])
cmask = torch.tensor([1.0, 1.0, 0.0, 1.0, 0.0])
case("ce_masked", dict(x=r(5, 7), t=torch.tensor([0, 6, 3, 3, 1]), m=cmask),
     lambda x, t, m: (F.cross_entropy(x, t, reduction="none") * m).sum() / m.sum(), grad=["x"])
case("mse", dict(a=r(4, 3), b=r(4, 3)), lambda a, b: F.mse_loss(a, b))

os.makedirs(OUT, exist_ok=True)
save_file({k: v.contiguous() for k, v in tensors.items()}, os.path.join(OUT, "ops.safetensors"),
          metadata={"torch": torch.__version__, "generator": "tools/make_torch_fixtures.py"})

# ---- optimizer trajectories: 20 steps on a least-squares problem
optim_tensors = {}
X, Y = r(16, 5), r(16, 3)
W0, B0 = r(5, 3), r(3)
optim_tensors["data.x"], optim_tensors["data.y"] = X, Y
optim_tensors["init.w"], optim_tensors["init.b"] = W0, B0
configs = {
    "sgd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=1e-2),
    "sgd_nesterov": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    "sgd_plain": lambda p: torch.optim.SGD(p, lr=0.1),
    "adam": lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=1e-2),
    "adamw": lambda p: torch.optim.AdamW(p, lr=1e-2, betas=(0.8, 0.99), weight_decay=0.1),
}
for name, make in configs.items():
    w, b = W0.clone().requires_grad_(True), B0.clone().requires_grad_(True)
    opt = make([w, b])
    for step in range(20):
        opt.zero_grad()
        loss = ((X @ w + b - Y) ** 2).mean()
        loss.backward()
        if name == "adamw":  # exercise clipping too
            torch.nn.utils.clip_grad_norm_([w, b], max_norm=0.5)
        opt.step()
        optim_tensors[f"{name}.step{step + 1}.w"] = w.detach().clone()
        optim_tensors[f"{name}.step{step + 1}.b"] = b.detach().clone()
# gradient clipping on its own: norm before clipping, and the clipped gradients
g1, g2 = r(4, 4) * 3, r(7) * 3
p1, p2 = torch.zeros(4, 4, requires_grad=True), torch.zeros(7, requires_grad=True)
p1.grad, p2.grad = g1.clone(), g2.clone()
total = torch.nn.utils.clip_grad_norm_([p1, p2], max_norm=1.0)
optim_tensors["clip.in.g1"], optim_tensors["clip.in.g2"] = g1, g2
optim_tensors["clip.total_norm"] = total.reshape(1)
optim_tensors["clip.out.g1"], optim_tensors["clip.out.g2"] = p1.grad.clone(), p2.grad.clone()
# StepLR schedule
opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.3)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
lrs = []
for _ in range(10):
    lrs.append(opt.param_groups[0]["lr"])
    opt.step()
    sched.step()
optim_tensors["steplr.lrs"] = torch.tensor(lrs, dtype=torch.float64)
save_file({k: v.contiguous() for k, v in optim_tensors.items()}, os.path.join(OUT, "optim.safetensors"),
          metadata={"torch": torch.__version__, "generator": "tools/make_torch_fixtures.py"})
print(f"wrote {len(tensors)} op tensors and {len(optim_tensors)} optimizer tensors to {os.path.normpath(OUT)}")
