#!/usr/bin/env python3
"""Safetensors interop fixtures for Crescendo's Swift codec.

Default mode writes, with the reference `safetensors` library and `torch`:

  Tests/TorchTests/Fixtures/safetensors/python_written.safetensors
      one tensor of every dtype the Swift codec supports (F32, F64, F16, BF16,
      I64, I32, I16, I8, U8, BOOL), a 0-dimensional tensor and an empty
      (zero-element) tensor, all with fixed values, plus `__metadata__`;
  Tests/TorchTests/Fixtures/safetensors/python_written.expected.json
      for each tensor its dtype, shape, the values as plain JSON numbers
      (row-major; booleans as 0/1; F16/BF16 as the exact value stored) and the
      raw little-endian bytes as hex; and the metadata.

`--verify FILE` loads FILE (for instance one written by the Swift codec) with
`safetensors.torch.load_file`, prints what it holds and `OK`; when FILE holds
the same tensor names as the fixture, the values and metadata must match the
expectations too. Exit status 1 on any mismatch or load error.

Setup (Debian's python3-torch plus safetensors from PyPI):
    /usr/bin/python3 -m venv --system-site-packages .venv-tools
    .venv-tools/bin/pip install safetensors numpy
    .venv-tools/bin/python tools/make_safetensors_fixtures.py
"""

import argparse
import json
import pathlib
import struct
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE_DIR = REPO_ROOT / "Tests" / "TorchTests" / "Fixtures" / "safetensors"
FIXTURE_FILE = FIXTURE_DIR / "python_written.safetensors"
EXPECTED_FILE = FIXTURE_DIR / "python_written.expected.json"

DTYPE_NAMES = {
    torch.float32: "F32",
    torch.float64: "F64",
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}

METADATA = {
    "format": "pt",
    "producer": "crescendo tools/make_safetensors_fixtures.py",
    "unicode": "Gr\u00fc\u00dfe \u266a \U0001d11e",
    "escapes": 'quote " backslash \\ newline \n tab \t',
}


def fixture_tensors():
    """The fixture's tensors: fixed values chosen to exercise each dtype."""
    return {
        "f32": torch.tensor([[0.0, 1.5, -2.25], [0.1, 1000.0, -3.0e-5]], dtype=torch.float32),
        "f64": torch.tensor([0.1, -1.0e300, 5e-324, 3.141592653589793], dtype=torch.float64),
        "f16": torch.tensor([[0.5, -1.0], [65504.0, 6.103515625e-05]], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -0.1, 3.0e38], dtype=torch.bfloat16),
        "i64": torch.tensor([[0, -1], [2**53 - 1, -(2**40)]], dtype=torch.int64),
        "i32": torch.tensor([2**31 - 1, -(2**31), 7], dtype=torch.int32),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8),
        "bool": torch.tensor([True, False, False, True], dtype=torch.bool),
        "scalar_f32": torch.tensor(42.5, dtype=torch.float32),
        "empty_i64": torch.zeros((0, 3), dtype=torch.int64),
    }


def plain_values(tensor):
    """The tensor's values, flattened row-major, as JSON-friendly numbers."""
    flat = tensor.reshape(-1)
    if tensor.dtype == torch.bool:
        return [int(v) for v in flat.tolist()]
    if tensor.dtype in (torch.float16, torch.bfloat16):
        return [float(v) for v in flat.float().tolist()]
    return flat.tolist()


def raw_sections(path):
    """Each tensor's raw bytes, sliced from the file using its own header."""
    blob = pathlib.Path(path).read_bytes()
    (length,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8 : 8 + length])
    data = blob[8 + length :]
    return {
        name: data[info["data_offsets"][0] : info["data_offsets"][1]]
        for name, info in header.items()
        if name != "__metadata__"
    }


def write_fixtures():
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    tensors = fixture_tensors()
    save_file(tensors, str(FIXTURE_FILE), metadata=METADATA)
    raw = raw_sections(FIXTURE_FILE)
    expected = {
        "file": FIXTURE_FILE.name,
        "generator": "tools/make_safetensors_fixtures.py",
        "metadata": METADATA,
        "tensors": {
            name: {
                "dtype": DTYPE_NAMES[t.dtype],
                "shape": list(t.shape),
                "values": plain_values(t),
                "hex": raw[name].hex(),
            }
            for name, t in sorted(tensors.items())
        },
    }
    EXPECTED_FILE.write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # The file must load back to exactly what was saved.
    loaded = load_file(str(FIXTURE_FILE))
    for name, t in tensors.items():
        assert loaded[name].dtype == t.dtype and torch.equal(loaded[name], t), name
    print(f"wrote {FIXTURE_FILE.relative_to(REPO_ROOT)} ({FIXTURE_FILE.stat().st_size} bytes)")
    print(f"wrote {EXPECTED_FILE.relative_to(REPO_ROOT)}")


def verify(path):
    problems = []
    try:
        tensors = load_file(path)
        with safe_open(path, framework="pt") as handle:
            metadata = handle.metadata() or {}
    except Exception as error:  # noqa: BLE001 - report any load failure
        print(f"FAIL: safetensors could not load {path}: {error}")
        return 1
    for name in sorted(tensors):
        t = tensors[name]
        print(f"  {name}: {DTYPE_NAMES.get(t.dtype, t.dtype)} {list(t.shape)}")
    print(f"  metadata: {metadata}")

    expected = json.loads(EXPECTED_FILE.read_text(encoding="utf-8")) if EXPECTED_FILE.exists() else None
    if expected is not None and set(tensors) == set(expected["tensors"]):
        for name, spec in expected["tensors"].items():
            t = tensors[name]
            if DTYPE_NAMES.get(t.dtype) != spec["dtype"]:
                problems.append(f"{name}: dtype {t.dtype}, expected {spec['dtype']}")
            if list(t.shape) != spec["shape"]:
                problems.append(f"{name}: shape {list(t.shape)}, expected {spec['shape']}")
            elif plain_values(t) != spec["values"]:
                problems.append(f"{name}: values {plain_values(t)}, expected {spec['values']}")
        if metadata != expected["metadata"]:
            problems.append(f"metadata {metadata}, expected {expected['metadata']}")
        checked = "tensors, values and metadata match the fixture expectations"
    else:
        checked = "loaded (names differ from the fixture, values not compared)"
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}")
        return 1
    print(f"OK: {len(tensors)} tensors; {checked}")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verify", metavar="FILE", help="load FILE with safetensors.torch.load_file and check it")
    args = parser.parse_args()
    if args.verify:
        sys.exit(verify(args.verify))
    write_fixtures()


if __name__ == "__main__":
    main()
