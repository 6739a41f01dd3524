"""Key peers: established key estimators run on the demo data set's labeled clips, so that
Crescendo's key figures can be put next to them.

* essentia_key: Essentia's KeyExtractor (PyPI `essentia`).
* madmom's CNNKeyRecognitionProcessor is not included: `pip install madmom` (0.16.1, an sdist)
  fails at metadata generation on Python 3.11 (its setup.py imports Cython before declaring it).

Run through tools/key_peers.sh (creates the venv .venv-peers)."""
