"""Key and instruments scores of pseudo-labels against the renders' truth."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from demo_data.labels import key_relation, mirex_score

from .truth import Truth


def key_scores(keyed: list[tuple[str, str]]) -> tuple[float, float]:
    """Accuracy and MIREX weighted score of (true key, labelled key) pairs."""
    relations = [key_relation(ref, est) for ref, est in keyed]
    counts: dict[str, int] = defaultdict(int)
    for relation in relations:
        counts[relation] += 1
    return relations.count("same") / len(relations), mirex_score(counts)


def scores(examples, truth: Truth, key_threshold: float | None = None) -> dict[str, float]:
    """The group's scores; with `key_threshold`, also the key labels whose top probability
    reaches it (`pseudo_labels.task_thresholds.key`: the ones a student is taught)."""
    result: dict[str, float] = {"segments": float(len(examples))}
    keyed = [(r["key"], truth.keys[int(np.argmax(k))], float(np.max(k)))
             for r, k, _ in examples if k is not None and r["key"]]
    result["with key"] = float(len(keyed))
    if keyed:
        result["key accuracy"], result["key weighted"] = key_scores([(ref, est) for ref, est, _ in keyed])
    if key_threshold is not None:
        kept = [(ref, est) for ref, est, confidence in keyed if confidence >= key_threshold]
        result["kept"] = float(len(kept))
        if kept:
            result["kept accuracy"], result["kept weighted"] = key_scores(kept)
    labelled = [(r["instruments"], p) for r, _, p in examples if p is not None]
    if labelled:
        y = np.array([t for t, _ in labelled])
        p = np.array([q for _, q in labelled])
        both = [i for i in range(y.shape[1]) if 0 < y[:, i].sum() < len(y)]
        if both:
            result["inst ROC-AUC"] = roc_auc_score(y[:, both], p[:, both], average="macro")
            result["inst PR-AUC"] = average_precision_score(y[:, both], p[:, both], average="macro")
    return result


def per_class(examples, truth: Truth) -> dict[str, dict[str, float]]:
    labelled = [(r["instruments"], p) for r, _, p in examples if p is not None]
    if not labelled:
        return {}
    y = np.array([t for t, _ in labelled])
    p = np.array([q for _, q in labelled])
    out = {}
    for i, name in enumerate(truth.instruments):
        if 0 < y[:, i].sum() < len(y):
            sure = (p[:, i] < 0.2) | (p[:, i] > 0.8)
            out[name] = {"ROC-AUC": roc_auc_score(y[:, i], p[:, i]), "sure": sure.mean(),
                         "sure right": float(((p[:, i] > 0.5) == (y[:, i] > 0))[sure].mean()) if sure.any() else float("nan")}
    return out
