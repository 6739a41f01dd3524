"""Frame-level peers: established beat trackers and chord recognisers run on the demo data set's
labeled clips, scored with mir_eval against the beat and chord labels the builder derives from
the scores (tools/demo_data: rhythm, harmony), so that Crescendo's frame-level figures can be put
next to them.

* beats: librosa.beat.beat_track with its default settings (beats only, no downbeats);
* chords: a chroma-template recogniser (librosa CQT chroma, 24 major/minor triad templates and a
  no-chord state, HMM smoothing with librosa.sequence.viterbi; its self-transition probability
  is chosen on the valid split only);
* evaluation: mir_eval's beat (F-measure, CMLt, AMLt) and chord (root, majmin, mirex weighted
  overlap) scores per clip, their means over clips and the duration-weighted chord scores;
* labelcheck: listening-free checks of the labels themselves (beats on onsets, chord roots
  against the key labels);
* cli: python -m frame_peers.

madmom's DBNBeatTrackingProcessor / DBNDownBeatTrackingProcessor and CNNChordFeatureProcessor +
CRFChordRecognitionProcessor are not included: `pip install madmom` (0.16.1, an sdist) fails on
Python 3.11 (see docs/NOTES.md, session 9).

Run through tools/frame_peers.sh (creates the venv .venv-frame-peers)."""
