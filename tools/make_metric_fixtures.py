#!/usr/bin/env python3
"""Generate oracle fixtures for Crescendo's evaluation metrics (Sources/Training/Metrics).

Writes seeded random inputs together with scikit-learn's (and mir_eval's) outputs as JSON
into Tests/TrainingTests/Fixtures/metrics/. The Swift tests in
Tests/TrainingTests/MetricsTests.swift compare against them within 1e-6. The beat and chord
fixtures (beats.json, chords.json) come from tools/mir_eval_fixtures.py, called at the end.

Setup (once):
    python3 -m venv .venv-tools-metrics
    .venv-tools-metrics/bin/pip install scikit-learn numpy mir_eval
Run from the repository root:
    .venv-tools-metrics/bin/python tools/make_metric_fixtures.py

All score / value inputs are rounded to float32 before sklearn sees them (as float64), so
the Swift side, which takes `Float`, receives exactly the numbers sklearn evaluated.
"""

import json
import pathlib
import warnings

import mir_eval
import mir_eval_fixtures
import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    mean_absolute_error,
    precision_recall_fscore_support,
    r2_score,
    roc_auc_score,
)

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "TrainingTests" / "Fixtures" / "metrics"


def f32(array):
    """Round to float32, return as float64 numpy array (exact float32 values)."""
    return np.asarray(array, dtype=np.float32).astype(np.float64)


def as_list(array):
    return np.asarray(array).tolist()


def header():
    return {
        "generator": "tools/make_metric_fixtures.py",
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "mir_eval_version": mir_eval.__version__,
    }


# ---------------------------------------------------------------------------------------
# Multi-label tagging
# ---------------------------------------------------------------------------------------


def multilabel_case(name, scores, targets, mask=None):
    scores = f32(scores)
    targets = np.asarray(targets, dtype=int)
    keep = np.ones(len(scores), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    s, y = scores[keep], targets[keep]
    per_roc, per_ap, valid, skipped = [], [], [], []
    for tag in range(y.shape[1]):
        if len(np.unique(y[:, tag])) < 2:
            per_roc.append(None)
            per_ap.append(None)
            skipped.append(tag)
        else:
            per_roc.append(float(roc_auc_score(y[:, tag], s[:, tag])))
            per_ap.append(float(average_precision_score(y[:, tag], s[:, tag])))
            valid.append(tag)
    expected = {
        "per_tag_roc_auc": per_roc,
        "per_tag_pr_auc": per_ap,
        # sklearn's own macro average over the tags that have both classes.
        "macro_roc_auc": float(roc_auc_score(y[:, valid], s[:, valid], average="macro")) if valid else None,
        "macro_pr_auc": float(average_precision_score(y[:, valid], s[:, valid], average="macro"))
        if valid
        else None,
        "micro_roc_auc": float(roc_auc_score(y, s, average="micro")),
        "micro_pr_auc": float(average_precision_score(y, s, average="micro")),
        "skipped_tags": skipped,
        "evaluated_tracks": int(keep.sum()),
    }
    return {
        "name": name,
        "scores": as_list(scores),
        "targets": as_list(targets),
        "track_mask": None if mask is None else as_list(keep),
        "expected": expected,
    }


def multilabel_cases(rng):
    cases = []

    # Heavy ties (scores on a 0.1 grid), one all-negative tag (2), one all-positive tag (4),
    # one tag with a single positive (5).
    n, t = 40, 6
    y = (rng.random((n, t)) < 0.35).astype(int)
    y[:, 2] = 0
    y[:, 4] = 1
    y[:, 5] = 0
    y[rng.integers(n), 5] = 1
    noise = rng.random((n, t))
    scores = np.round(np.clip(0.35 * y + 0.65 * noise, 0, 1) * 10) / 10
    cases.append(multilabel_case("ties_and_single_class_tags", scores, y))

    # Track mask: tag 3 is positive only on masked-out tracks, so it becomes single-class.
    n, t = 50, 5
    y = (rng.random((n, t)) < 0.4).astype(int)
    mask = rng.random(n) < 0.7
    mask[:3] = [True, False, True]
    y[:, 3] = 0
    y[~mask, 3] = 1
    scores = rng.normal(size=(n, t)) + 0.8 * y
    cases.append(multilabel_case("track_mask", scores, y, mask))

    # Continuous float32 scores, imbalanced tags (one tag with a single positive).
    n, t = 100, 8
    rates = np.array([0.5, 0.3, 0.1, 0.05, 0.2, 0.6, 0.02, 0.4])
    y = (rng.random((n, t)) < rates).astype(int)
    y[:, 6] = 0
    y[17, 6] = 1
    scores = 1 / (1 + np.exp(-(rng.normal(size=(n, t)) + 1.2 * y)))
    cases.append(multilabel_case("continuous_imbalanced", scores, y))

    # Integer-valued logits with massive ties, including positives and negatives tied.
    n, t = 30, 4
    y = (rng.random((n, t)) < 0.5).astype(int)
    scores = rng.integers(-2, 3, size=(n, t)) + y * rng.integers(0, 2, size=(n, t))
    cases.append(multilabel_case("integer_logit_ties", scores.astype(float), y))
    return cases


# ---------------------------------------------------------------------------------------
# Multi-class
# ---------------------------------------------------------------------------------------


def multiclass_expected(truth, predictions, k):
    labels = list(range(k))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predictions, labels=labels, average=None, zero_division=0
    )
    return {
        "accuracy": float(accuracy_score(truth, predictions)),
        "balanced_accuracy": float(balanced_accuracy_score(truth, predictions)),
        "macro_f1": float(f1_score(truth, predictions, average="macro", zero_division=0)),
        "macro_f1_all_classes": float(
            f1_score(truth, predictions, labels=labels, average="macro", zero_division=0)
        ),
        "confusion_matrix": as_list(confusion_matrix(truth, predictions, labels=labels)),
        "precision": as_list(precision),
        "recall": as_list(recall),
        "f1": as_list(f1),
        "support": as_list(support),
        "predictions": as_list(predictions),
    }


def multiclass_cases(rng):
    cases = []

    # Imbalanced truth; class 3 is never predicted; class 4 is predicted but never true.
    k, n = 5, 60
    truth = rng.choice(4, size=n, p=[0.55, 0.25, 0.12, 0.08])
    predictions = np.where(rng.random(n) < 0.6, truth, rng.choice([0, 1, 2, 4], size=n))
    predictions[predictions == 3] = 0
    cases.append({
        "name": "imbalanced_never_predicted",
        "class_count": k,
        "truth": as_list(truth),
        "predictions": as_list(predictions),
        "expected": multiclass_expected(truth, predictions, k),
    })

    # Class 5 appears neither in truth nor in predictions: macro F1 over observed classes
    # (sklearn default) differs from macro F1 over all classes.
    k, n = 6, 45
    truth = rng.choice(5, size=n)
    predictions = np.where(rng.random(n) < 0.5, truth, rng.choice(5, size=n))
    cases.append({
        "name": "absent_class",
        "class_count": k,
        "truth": as_list(truth),
        "predictions": as_list(predictions),
        "expected": multiclass_expected(truth, predictions, k),
    })

    # Scores with ties inside rows (quantized): argmax takes the first maximum.
    k, n = 4, 40
    truth = rng.choice(k, size=n, p=[0.4, 0.3, 0.2, 0.1])
    scores = f32(np.round(rng.random((n, k)) * 4) / 4)
    scores[np.arange(n), truth] += 0.25 * (rng.random(n) < 0.5)
    scores = f32(scores)
    predictions = np.argmax(scores, axis=1)
    cases.append({
        "name": "scores_with_ties",
        "class_count": k,
        "truth": as_list(truth),
        "scores": as_list(scores),
        "expected": multiclass_expected(truth, predictions, k),
    })
    return cases


# ---------------------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------------------


def regression_case(name, targets, predictions):
    targets = f32(targets)
    predictions = f32(predictions)
    if targets.ndim == 1:
        y, p = targets.reshape(-1, 1), predictions.reshape(-1, 1)
    else:
        y, p = targets, predictions
    return {
        "name": name,
        "targets": as_list(targets),
        "predictions": as_list(predictions),
        "expected": {
            "r2": float(r2_score(y, p)),
            "r2_per_output": as_list(r2_score(y, p, multioutput="raw_values")),
            "mae": float(mean_absolute_error(y, p)),
            "mae_per_output": as_list(mean_absolute_error(y, p, multioutput="raw_values")),
        },
    }


def regression_cases(rng):
    cases = []
    y = rng.normal(120, 20, size=30)
    cases.append(regression_case("single_output", y, y + rng.normal(0, 8, size=30)))

    # Output 2 has a constant target with imperfect predictions: sklearn gives 0.0.
    y = rng.normal(size=(25, 3)) * [1.0, 5.0, 1.0]
    y[:, 2] = 2.5
    p = y + rng.normal(0, 0.7, size=(25, 3))
    cases.append(regression_case("multi_output_constant_target", y, p))

    # Output 1 has a constant target predicted perfectly: sklearn gives 1.0; output 0 is
    # worse than predicting the mean (negative R²).
    y = rng.normal(size=(20, 2))
    y[:, 1] = -1.0
    p = np.column_stack([-y[:, 0] + rng.normal(0, 0.1, size=20), y[:, 1]])
    cases.append(regression_case("perfect_constant_and_negative_r2", y, p))
    return cases


# ---------------------------------------------------------------------------------------
# Keys: mir_eval.key.weighted_score over all 24 x 24 pairs, with varied spellings.
# ---------------------------------------------------------------------------------------


def key_pairs():
    sharps = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
    flats = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]
    pairs = []
    for ref_index in range(24):
        for est_index in range(24):
            ref_tonic, ref_mode = ref_index % 12, "major" if ref_index < 12 else "minor"
            est_tonic, est_mode = est_index % 12, "major" if est_index < 12 else "minor"
            ref = f"{sharps[ref_tonic]} {ref_mode}"
            est = f"{flats[est_tonic]} {est_mode}"
            pairs.append({
                "reference": ref,
                "estimate": est,
                "reference_index": ref_index,
                "estimate_index": est_index,
                "score": float(mir_eval.key.weighted_score(ref, est)),
            })
    return pairs


def write(name, payload):
    path = OUT / name
    path.write_text(json.dumps(payload, separators=(",", ":"), allow_nan=False) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")  # sklearn warns for classes only predicted, etc.
    write("multilabel.json", {**header(), "cases": multilabel_cases(np.random.default_rng(20240501))})
    write("multiclass.json", {**header(), "cases": multiclass_cases(np.random.default_rng(20240502))})
    write("regression.json", {**header(), "cases": regression_cases(np.random.default_rng(20240503))})
    write("key_pairs.json", {**header(), "pairs": key_pairs()})
    # Beat and chord scores (issue #23 item 4): their own module, beats.json and chords.json.
    mir_eval_fixtures.write_fixtures()


if __name__ == "__main__":
    main()
