"""How good a pipeline's pseudo-labels of the pool are, per soundfont and style.

The pool's renders have truth the pipeline never trains on: `pool_truth.csv` (each render's
true key) and `pool_manifest.csv` (the General-MIDI program of each part, which
`classes.json`'s `instrument_gm_programs` maps to the instruments classes). The pipeline scores
all of a labelling stage's labels at once (`poolTrueKeys` against the first; `poolAgreement`
against the renders' instrument tags, which the experiment's import puts in the catalog for
that); this splits both by the render's soundfont and style, so that one sees which part of the
pool teaches the student what. Its "all renders" row is the pipeline's figure.

Every segment label the labelling stage stored is one example (what the student is taught):

    bash tools/python-tools.sh tools/pool_label_quality data/full-ood120x4 \
        runs/experiment-pool3h-ood120x4-teacher48-key07/seed-{0,1,2}

prints, per labelling stage (mean ± sd over the run directories given, one per seed): key
accuracy and MIREX weighted score on the segments of renders with a written key (with
`--key-threshold P`, also on those whose top probability reaches P: what a student with that
`pseudo_labels.task_thresholds.key` is taught); instruments
macro ROC-AUC and PR-AUC (classes with positives and negatives in the group); and per class,
out of all renders, ROC-AUC and how often a label the teacher is sure of (p < 0.2 or > 0.8)
is right. Needs numpy and scikit-learn (the tools environment has both).
"""
