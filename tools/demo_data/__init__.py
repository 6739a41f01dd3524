"""Build Crescendo's demo data set: a small labeled set plus a larger unlabeled pool.

Everything comes from material available offline through Debian and PyPI:

* Labeled set: Bach chorales from music21's bundled corpus whose key is notated
  (see KEY NOTATION below), rendered with random General-MIDI instrumentation (one
  instrument per SATB voice) and a random tempo through FluidSynth, looped/cut to a 30 s
  mono 22050 Hz FLAC clip. Labels: the (transposed) key, one of 24 classes, and the
  multi-label set of instrument classes. Splits (train/valid/test ~ 70/15/15) are made by
  piece: all versions of a BWV number and all harmonisations of the same hymn tune (same
  title or same opening melody) land in the same split.
  - train: each chorale rendered --train-versions times (default 2), the transpositions
    spread so that the 24 keys appear on equal terms (every key present), the versions
    alternating between the FluidR3 and TimGM6mb soundfonts;
  - valid/test: each chorale rendered --eval-versions times (default 2) with its own random
    transposition, instrumentation and tempo, FluidR3 only (as before);
  - test_ood: out-of-domain pieces absent from training (folk tunes of the Essen and Ryan's
    Mammoth ABC collections, and polyphonic works of other composers) with a trustworthy
    written key (key signature + final note), randomly transposed and instrumented, rendered
    with the MuseScore General soundfont, which no other labeled clip uses.
* Unlabeled pool: recorded game music from Debian packages (symlinked, original
  ogg/opus formats kept; ogg files inside the ufoai/nexuiz .pk3 archives are
  extracted with --with-pk3) plus unlabeled renders of music21 corpus works in eleven
  styles (medieval, Renaissance, baroque/classical, romantic, popular/modern scores and the
  folk collections: Essen European and Chinese, O'Neill's Irish, Aird's Scottish, Ryan's
  and the fife book American, Nottingham/Northumbrian English), taken in turn so that no
  composer or collection dominates, never Bach and never a work, tune or title of a labeled
  split; random instrumentation, tempo and transposition, spread over every installed
  General-MIDI soundfont. --pool-renders N (default 240) or --pool-hours H sizes them; the
  build resumes where it stopped. pool_manifest.csv records how each render was made,
  pool_truth.csv keeps its true key aside (never a label).

Every build ends with the split-leak check (checks.check_no_leaks): a piece, by any of
its work identities, may be in only one of train / valid / test / test_ood / pool; a leak
fails the build.

KEY NOTATION. In the MusicXML files of music21's Bach corpus a key is written as
``<key><fifths>n</fifths><mode>major|minor</mode></key>``; music21 turns an element
with <mode> into a ``key.Key`` and one without into a bare ``key.KeySignature``.
The encoders wrote the real mode on the top staff only (the soprano, or the first
instrumental part such as "Horn 1" or "Violin 1" in chorales with obbligato
instruments); the other parts carry no mode, or a default ``major`` even in minor
pieces (102 files have the top staff in minor and the other parts "major"). We
therefore define "notated key" as: the top staff carries a ``key.Key`` (explicit
mode, major or minor) at its first key-signature position, and the soprano's key
signature agrees with it. That key, transposed, is the label (with one correction
for Baroque "Dorian" signatures, see corpora.label_key). Humdrum (.krn) files
count when they carry a ``*x:`` key token (music21 -> Key). With music21 10.5:
411 of the 413 Bach score files qualify (bwv62.6: top staff without mode, and
its parts disagree; bwv846 is a keyboard prelude, not a chorale), 399 after
dropping duplicate versions of the same BWV number.

Modules: common (constants, helpers), labels (key and instrument classes, key relations),
corpora (choice of pieces and their keys), splits (splits, work identities, per-clip
plans), rendering (music21 -> MIDI -> FluidSynth -> FLAC), pool (unlabeled pool),
checks (leak check, audio checks, statistics), readme (README.md), cli (orchestration).

Run ``tools/make_demo_dataset.sh`` (installs the apt packages and the venv), or
directly ``PYTHONPATH=tools .venv-demo/bin/python -m demo_data --help``.
The build is deterministic for a given --seed and idempotent: clips that exist
(non-empty) are not rendered again, manifests are written atomically.
"""
