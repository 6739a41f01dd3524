"""Stages of committed experiments side by side: mean ± sd over seeds, and paired differences.

Each experiment's `docs/results/<experiment>/seed-<n>.json` holds every stage's test metrics
(and validation metrics). This prints, for STAGE@DIR specs (DIR relative to docs/results, or a
path), a markdown table of chosen metrics, mean ± sd over the seeds present, and for each
`--pair A B` the difference A − B over the seeds both have, with each seed's value:

    python3 tools/seed_results round1-student@experiment-pool3h-ood120x4-teacher48-key07-slr05 \\
        round1-control@experiment-pool3h-ood120x4-teacher48-key07-slr05 \\
        --pair round1-student@experiment-pool3h-ood120x4-teacher48-key07-slr05 \\
               round1-control@experiment-pool3h-ood120x4-teacher48-key07-slr05

`--split valid` reads the validation metrics instead (where the best labeled-only model is
chosen); `--metrics` names other metrics. Standard library only.
"""
