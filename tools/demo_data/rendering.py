"""Rendering: music21 score -> MIDI -> FluidSynth (a General-MIDI soundfont) -> 30 s mono FLAC.
Runs in worker processes (work_item)."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .common import CLIP_SECONDS, PEAK_LEVEL, SAMPLE_RATE, SILENCE_THRESHOLD, music21_quiet
from .labels import key_label

# General-MIDI soundfonts from Debian packages. FluidR3 is the in-domain soundfont (train,
# valid, test); TimGM6mb adds variety to the training clips; MuseScore General is reserved for
# the out-of-domain test split among the labeled clips (no labeled training clip uses it). The
# unlabeled pool renders are spread over every installed soundfont (pool.POOL_SOUNDFONTS).
SOUNDFONTS = {
    "fluidr3": ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "fluid-soundfont-gm"),
    "timgm6mb": ("/usr/share/sounds/sf2/TimGM6mb.sf2", "timgm6mb-soundfont"),
    "musescore": ("/usr/share/sounds/sf3/MuseScore_General_Lite.sf3", "musescore-general-soundfont-small"),
}
# Further General-MIDI soundfonts that Debian ships, used by the unlabeled pool renders only (when
# installed: tools/make_demo_dataset.sh installs them with --pool-hours). Debian's other
# soundfont packages are no separate GM banks: musescore-general-soundfont(-lossless) are
# higher-quality encodings of MuseScore General, fluid-soundfont-gs holds FluidR3's GS extras.
POOL_EXTRA_SOUNDFONTS = {
    "fluidr3mono": ("/usr/share/sounds/sf3/FluidR3Mono_GM.sf3", "fluidr3mono-gm-soundfont"),
    "sfgmbank": ("/usr/share/sounds/sf2/sf_GMbank.sf2", "csound-soundfont"),
    "opl3": ("/usr/share/sounds/sf2/OPL-3_FM_128M.sf2", "opl3-soundfont"),
}
ALL_SOUNDFONTS = {**SOUNDFONTS, **POOL_EXTRA_SOUNDFONTS}
DEFAULT_SOUNDFONT = "fluidr3"
TRAIN_SOUNDFONTS = ("fluidr3", "timgm6mb")
EVAL_SOUNDFONT = "fluidr3"  # valid and test (in-domain)
OOD_SOUNDFONT = "musescore"  # test_ood only
POOL_MAX_PARTS = 15  # MIDI has 15 melodic channels
LOOP_GAP_SAMPLES = int(0.4 * SAMPLE_RATE)  # the breath between the copies of a looped clip


def _prepare_part(part, program: int):
    from music21 import instrument, tempo
    for el in list(part.recurse().getElementsByClass((instrument.Instrument, tempo.MetronomeMark,
                                                      tempo.TempoIndication))):
        site = el.activeSite
        if site is not None:
            site.remove(el)
    ins = instrument.Instrument()
    ins.midiProgram = program
    ins.instrumentName = f"GM{program}"
    part.insert(0, ins)


def _remove_grace_notes(score):
    # zero-length grace notes give a note-off before its note-on at the same tick,
    # i.e. a stuck note that keeps fluidsynth's fast renderer running forever
    for n in list(score.recurse().notes):
        if n.duration.isGrace and n.activeSite is not None:
            n.activeSite.remove(n)


def _strip_repeats(score):
    from music21 import bar, repeat, spanner
    for b in list(score.recurse().getElementsByClass(bar.Repeat)):
        m = b.activeSite
        if m is None:
            continue
        if getattr(m, "leftBarline", None) is b:
            m.leftBarline = None
        elif getattr(m, "rightBarline", None) is b:
            m.rightBarline = None
        else:
            m.remove(b)
    for el in list(score.recurse().getElementsByClass((repeat.RepeatExpression,
                                                        spanner.RepeatBracket))):
        if el.activeSite is not None:
            el.activeSite.remove(el)


def _midi_seconds(mf, bpm: int) -> float:
    ticks = 0
    for tr in mf.tracks:
        ticks = max(ticks, sum(ev.time for ev in tr.events if ev.isDeltaTime() and ev.time))
    return ticks / mf.ticksPerQuarterNote * 60.0 / bpm


def _append_all_notes_off(mf):
    from music21.midi import ChannelVoiceMessages, DeltaTime, MetaEvents, MidiEvent
    for tr in mf.tracks:
        chans = sorted({ev.channel for ev in tr.events if not ev.isDeltaTime() and ev.isNoteOn()})
        ends = [i for i, ev in enumerate(tr.events) if ev.type == MetaEvents.END_OF_TRACK]
        if not chans or not ends:
            continue
        new = []
        for ch in chans:
            for cc in (123, 120):  # All Notes Off, All Sound Off
                ev = MidiEvent(tr, type=ChannelVoiceMessages.CONTROLLER_CHANGE, channel=ch)
                ev.parameter1, ev.parameter2 = cc, 0
                new += [ev, DeltaTime(tr, time=0, channel=ch)]
        tr.events[ends[-1]:ends[-1]] = new


def soundfont_path(name: str) -> str:
    return ALL_SOUNDFONTS[name][0]


def installed_soundfonts() -> list[str]:
    """Names of the known General-MIDI soundfonts whose file exists, in ALL_SOUNDFONTS order."""
    return [n for n, (path, _pkg) in ALL_SOUNDFONTS.items() if Path(path).is_file()]


def _render_midi(score, bpm: int, mid_path: Path, wav_path: Path, soundfont: str = DEFAULT_SOUNDFONT) -> float:
    from music21 import midi, tempo
    _remove_grace_notes(score)
    for el in list(score.recurse().getElementsByClass(tempo.TempoIndication)):
        if el.activeSite is not None:
            el.activeSite.remove(el)
    score.parts[0].insert(0, tempo.MetronomeMark(number=bpm))
    try:
        mf = midi.translate.streamToMidiFile(score)
    except Exception as e:  # badly formed repeats in some encodings: play straight through
        if "repeat" not in str(e).lower() and "Expander" not in type(e).__name__:
            raise
        _strip_repeats(score)
        mf = midi.translate.streamToMidiFile(score)
    for tr in mf.tracks:  # never use the GM percussion channel
        for ev in tr.events:
            if getattr(ev, "channel", None) == 10:
                ev.channel = 16
    _append_all_notes_off(mf)
    seconds = _midi_seconds(mf, bpm)
    mf.open(str(mid_path), "wb")
    mf.write()
    mf.close()
    cmd = ["fluidsynth", "-ni", "-q", "-o", "synth.dynamic-sample-loading=1", "-o",
           "synth.cpu-cores=1", "-F", str(wav_path), "-O", "float", "-T", "wav",
           "-r", str(SAMPLE_RATE), "-g", "0.5", soundfont_path(soundfont), str(mid_path)]
    # watchdog: the output must not grow far beyond the MIDI length (stuck notes)
    max_bytes = max(2 * seconds, seconds + 60.0) * SAMPLE_RATE * 2 * 4 + 4096
    deadline = time.time() + float(os.environ.get("DEMO_FS_TIMEOUT", "300"))
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None:
            time.sleep(0.05)
            size = wav_path.stat().st_size if wav_path.exists() else 0
            if size > max_bytes:
                raise RuntimeError(f"fluidsynth ran away (output {size / 1e6:.0f} MB for a "
                                   f"{seconds:.0f} s MIDI file)")
            if time.time() > deadline:
                raise TimeoutError("fluidsynth timed out")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"fluidsynth exit status {proc.returncode}")
    return seconds


def _finish_audio(wav_path: Path, out_path: Path, target_s: float | None, max_s: float | None):
    import numpy as np
    import soundfile as sf
    x, sr = sf.read(str(wav_path), dtype="float32", always_2d=True)
    assert sr == SAMPLE_RATE, sr
    x = x.mean(axis=1)
    loud = np.flatnonzero(np.abs(x) > SILENCE_THRESHOLD)
    if loud.size == 0:
        raise RuntimeError("silent rendering")
    x = x[loud[0]: loud[-1] + 1]
    src_seconds = len(x) / sr
    lead, src_samples = int(loud[0]), len(x)
    if target_s is not None:  # loop (with a short breath between repeats) and cut
        n = int(round(target_s * sr))
        gap = np.zeros(LOOP_GAP_SAMPLES, dtype=np.float32)
        reps = [x]
        while sum(len(r) for r in reps) < n:
            reps += [gap, x]
        x = np.concatenate(reps)[:n]
    elif max_s is not None and len(x) > int(max_s * sr):
        x = x[: int(max_s * sr)]
    fade = min(len(x) // 4, int(0.3 * sr))
    if fade > 0 and (target_s is not None or max_s is not None):
        x[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)
    peak = float(np.max(np.abs(x)))
    x = x * (PEAK_LEVEL / peak)
    rms_db = 20 * math.log10(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) + 1e-12)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.stem + ".partial.flac")
    sf.write(str(tmp), x, sr, format="FLAC", subtype="PCM_16")
    os.replace(tmp, out_path)
    return {"seconds": round(len(x) / sr, 3), "source_seconds": round(src_seconds, 3),
            "rms_dbfs": round(rms_db, 2), "lead_samples": lead, "source_samples": src_samples,
            "clip_samples": len(x)}


def _truncate(score, qmax: float):
    """Drop measures starting after qmax quarter lengths (keeps parts aligned)."""
    for pt in score.parts:
        for m in list(pt.getElementsByClass("Measure")):
            if m.offset >= qmax:
                pt.remove(m)
    return score


def _excerpt_start(score, q: float) -> float:
    """Offset of the first measure of the top part that starts at or after q (0 if none)."""
    if q <= 0 or not score.parts:
        return 0.0
    for m in score.parts[0].getElementsByClass("Measure"):
        if m.offset >= q:
            return float(m.offset)
    return 0.0


def _cut_front(score, start: float):
    """Drop the measures before start and move the rest to the beginning (keeps parts
    aligned; parts without measures are left as they are)."""
    for pt in score.parts:
        ms = list(pt.getElementsByClass("Measure"))
        if not ms:
            continue
        for m in ms:
            if m.offset < start:
                pt.remove(m)
        for m in list(pt.getElementsByClass("Measure")):
            pt.setElementOffset(m, m.offset - start)
        pt.coreElementsChanged()
    return score


def _analyze(score, res):
    est = score.analyze("key")
    res["analyzed_key"] = key_label(est.tonic.pitchClass, est.mode) \
        if est.mode in ("major", "minor") else f"{est.tonic.name} {est.mode}"
    res["analysis_confidence"] = round(float(est.correlationCoefficient), 3)


def _existing_clip(out_path: Path, res):
    import numpy as np
    import soundfile as sf
    x, _sr = sf.read(str(out_path), dtype="float32")
    res["seconds"] = round(len(x) / SAMPLE_RATE, 3)
    res["clip_samples"] = len(x)
    res["rms_dbfs"] = round(20 * math.log10(float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) + 1e-12), 2)


def _folk_score(tune_text: str, plan: dict):
    """A folk melody as a score: the melody, optionally doubled an octave below by a second
    instrument, or with a simple bass (the first melody note of each measure, an octave or
    two below, held for the measure)."""
    from music21 import converter, note, stream
    s = converter.parse(tune_text, format="abc")
    if "Opus" in s.classes:
        s = s.scores[0]
    mel = s.parts[0] if s.parts else s
    score = stream.Score()
    score.insert(0, mel)
    texture = plan["texture"]
    if texture == "doubled":
        dbl = mel.transpose(-12)
        score.insert(0, dbl)
    elif texture == "bass":
        bass = stream.Part()
        for m in mel.getElementsByClass("Measure"):
            ns = list(m.recurse().notes)
            nm = stream.Measure(number=m.number)
            if ns:
                p = ns[0].pitch.midi
                while p > 52:
                    p -= 12
                n = note.Note(p)
                n.quarterLength = max(m.duration.quarterLength, 0.25)
                nm.append(n)
            else:
                r = note.Rest()
                r.quarterLength = max(m.duration.quarterLength, 0.25)
                nm.append(r)
            bass.append(nm)
        score.insert(0, bass)
    return score


def work_item(args) -> dict:
    """Renders one plan (args: plan, output folder, analyze_only[, the clip's earlier render
    record]) and writes its frame labels (frames.write_frame_labels). analyze_only: the audio
    exists; the score is read again for its analysis and labels, with the audio facts of the
    earlier record."""
    plan, out_dir, analyze_only = args[:3]
    prev = args[3] if len(args) > 3 else {}
    music21_quiet()
    from music21 import converter, corpus
    from .frames import write_frame_labels
    t0 = time.time()
    res = {k: v for k, v in prev.items() if k not in ("ok", "error", "elapsed")} if analyze_only else {}
    res.update({"rel": plan["rel"], "ok": False})
    out_path = Path(out_dir) / plan["rel"]
    tmpd = Path(tempfile.mkdtemp(prefix="render_", dir=Path(out_dir) / ".cache"))
    sfont = plan.get("soundfont", DEFAULT_SOUNDFONT)
    try:
        if plan["kind"] == "chorale":
            s = corpus.parse(plan["path"])
            parts = list(s.parts)
            for i, pt in enumerate(parts):
                if i not in plan["satb"]:
                    s.remove(pt)
            if plan["semitones"]:
                s.transpose(plan["semitones"], inPlace=True)
            _analyze(s, res)
            # only the first 30 s are kept: render a little more than that (same clip)
            qmax = (CLIP_SECONDS + 4) * plan["bpm"] / 60.0 + 8
            if s.highestTime > qmax:
                s = _truncate(s, qmax)
            if analyze_only:
                _existing_clip(out_path, res)
                _remove_grace_notes(s)
            else:
                parts = list(s.parts)  # already in score order = satb order by index
                order = sorted(plan["satb"])
                prog_by_idx = dict(zip(plan["satb"], plan["programs"]))
                for pt, idx in zip(parts, order):
                    _prepare_part(pt, prog_by_idx[idx])
                _render_midi(s, plan["bpm"], tmpd / "a.mid", tmpd / "a.wav", sfont)
                res.update(_finish_audio(tmpd / "a.wav", out_path, CLIP_SECONDS, None))
            write_frame_labels(s, plan["bpm"], Path(out_dir), plan["rel"], res, looped=True)
        elif plan["kind"] in ("ood_folk", "ood_poly"):
            if plan["kind"] == "ood_folk":
                from .corpora import split_abc_tunes
                root = Path(corpus.__file__).parent
                text = (root / plan["src"]).read_text(encoding="latin-1")
                tune = dict(split_abc_tunes(text))[plan["tune"]]
                s = _folk_score(tune, plan)
            else:
                s = corpus.parse(str(Path(corpus.__file__).parent / plan["src"]))
                if "Opus" in s.classes:
                    s = s.scores[0]
            qmax = (CLIP_SECONDS + 4) * plan["bpm"] / 60.0 + 8
            if s.highestTime > qmax:
                s = _truncate(s, qmax)
            if plan["semitones"]:
                s.transpose(plan["semitones"], inPlace=True)
            _analyze(s, res)
            if analyze_only:
                _existing_clip(out_path, res)
                _remove_grace_notes(s)
            else:
                for pt, prog in zip(s.parts, plan["programs"]):
                    _prepare_part(pt, prog)
                _render_midi(s, plan["bpm"], tmpd / "a.mid", tmpd / "a.wav", sfont)
                res.update(_finish_audio(tmpd / "a.wav", out_path, CLIP_SECONDS, None))
            write_frame_labels(s, plan["bpm"], Path(out_dir), plan["rel"], res, looped=True)
        elif plan["kind"] == "pool_folk":  # unlabeled render of a folk tune
            from .corpora import abc_tune_key, split_abc_tunes
            text = Path(plan["path"]).read_text(encoding="latin-1")
            tune = dict(split_abc_tunes(text))[plan["tune"]]
            wk = abc_tune_key(tune)  # the written key, kept aside (pool_truth.csv)
            res["written_key"] = list(wk["key"]) if wk["key"] else None
            if not wk["key"]:
                res["written_key_reason"] = wk.get("reason", "")
            s = _folk_score(tune, plan)
            qmax = plan["max_seconds"] * plan["bpm"] / 60.0 + 8
            if s.highestTime > qmax:
                s = _truncate(s, qmax)
            if plan["semitones"]:
                s.transpose(plan["semitones"], inPlace=True)
            _analyze(s, res)
            res["excerpt_start"] = 0.0
            res["part_classes"] = list(plan["classes"])
            res["part_programs"] = list(plan["programs"])
            res["classes_used"] = sorted(set(plan["classes"]))
            if analyze_only:
                _existing_clip(out_path, res)
                _remove_grace_notes(s)
            else:
                for pt, prog in zip(s.parts, plan["programs"]):
                    _prepare_part(pt, prog)
                _render_midi(s, plan["bpm"], tmpd / "a.mid", tmpd / "a.wav", sfont)
                res.update(_finish_audio(tmpd / "a.wav", out_path, None, plan["max_seconds"]))
            write_frame_labels(s, plan["bpm"], Path(out_dir), plan["rel"], res, looped=False)
        else:  # unlabeled render of a score ("pool_score")
            from .common import rng_for
            from .corpora import score_written_key
            p = Path(plan["path"])
            s = converter.parse(str(p)) if p.suffix.lower() in (".mid", ".midi") else corpus.parse(str(p))
            if "Opus" in s.classes:
                s = s.scores[0]
            parts = list(s.parts)
            if not parts:
                raise RuntimeError("no parts")
            if len(parts) > POOL_MAX_PARTS:
                raise RuntimeError(f"{len(parts)} parts")
            # version v renders the v-th excerpt of max_seconds where the work is that long
            qlen = plan["max_seconds"] * plan["bpm"] / 60.0
            n_excerpts = max(1, int(s.highestTime // qlen)) if qlen > 0 else 1
            start = _excerpt_start(s, (plan.get("version", 0) % n_excerpts) * qlen)
            qmax = qlen + 8
            wk = score_written_key(s, start, start + qmax)  # kept aside (pool_truth.csv)
            res["written_key"] = list(wk["key"]) if wk["key"] else None
            if not wk["key"]:
                res["written_key_reason"] = wk.get("reason", "")
            if start > 0:
                _cut_front(s, start)
            if s.highestTime > qmax:
                s = _truncate(s, qmax)
            res["excerpt_start"] = round(start, 3)
            if plan["semitones"]:
                s.transpose(plan["semitones"], inPlace=True)
            _analyze(s, res)
            rng = rng_for(0, plan["seed_key"], "parts")
            prog = dict(zip(plan["classes"], plan["programs"]))
            part_classes = [rng.choice(plan["classes"]) for _ in s.parts]
            res["part_classes"] = part_classes
            res["part_programs"] = [prog[c] for c in part_classes]
            res["classes_used"] = sorted(set(part_classes))
            if analyze_only:
                _existing_clip(out_path, res)
                _remove_grace_notes(s)
            else:
                for pt, c in zip(s.parts, part_classes):
                    _prepare_part(pt, prog[c])
                _render_midi(s, plan["bpm"], tmpd / "a.mid", tmpd / "a.wav", sfont)
                res.update(_finish_audio(tmpd / "a.wav", out_path, None, plan["max_seconds"]))
            write_frame_labels(s, plan["bpm"], Path(out_dir), plan["rel"], res, looped=False)
        res["ok"] = True
    except Exception as e:
        res["error"] = f"{type(e).__name__}: {e}"[:300]
    finally:
        shutil.rmtree(tmpd, ignore_errors=True)
    res["elapsed"] = round(time.time() - t0, 2)
    return res
