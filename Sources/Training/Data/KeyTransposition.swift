import Audio
import Foundation
import Models
import MusicTasks
import Torch

/// Transposes training examples by whole semitones and moves their key labels with them:
/// key estimation is equivariant to transposition, so a clip of a piece in D major shifted up
/// two semitones is a clip in E major. The label (hard or soft, human or pseudo) of the key task
/// is permuted class by class; every other task's label stays, as timbre and instrumentation
/// survive a small shift. The waveform is shifted as ``PitchShift`` does: resampled, then
/// stretched back to the crop's length (same tempo, the whole crop filled, no padding).
public struct KeyTransposition: Sendable, Codable, Equatable {
    /// The multi-class task whose class names are keys (`"Eb minor"`, `"C major"`, …).
    public var task: String
    /// Whole-semitone shifts to draw from, uniformly (0 included when the range holds it).
    public var semitones: ClosedRange<Int>
    /// Chance that an example is transposed at all.
    public var probability: Double

    public init(task: String, semitones: ClosedRange<Int> = -4...4, probability: Double = 0.5) {
        self.task = task
        self.semitones = semitones
        self.probability = probability
    }

    public func validate() throws {
        guard (0...1).contains(probability) else {
            throw TrainingError.invalidConfig(key: "key_transposition.probability", reason: "\(probability) is not in [0, 1]")
        }
        guard semitones.lowerBound >= -11, semitones.upperBound <= 11 else {
            throw TrainingError.invalidConfig(key: "key_transposition.semitones",
                                              reason: "\(semitones) must lie within -11...11 (an octave moves no key)")
        }
    }

    /// For each shift in `semitones`, the class each class moves to: `map[shift][c]` is the class
    /// of key `c` transposed by `shift`. Throws unless `spec` is a multi-class task whose every
    /// class name parses as a key and whose classes are closed under transposition.
    public func classMaps(for spec: TaskSpec) throws -> [Int: [Int]] {
        guard spec.kind == .multiClass else {
            throw TrainingError.invalidConfig(key: "key_transposition.task", reason: "task \(spec.name) is \(spec.kind.rawValue), not multiClass")
        }
        var keys: [MusicalKey] = []
        for name in spec.classes {
            do { keys.append(try MusicalKey(parsing: name, bareTonicMode: nil)) } catch {
                throw TrainingError.invalidConfig(key: "key_transposition.task",
                                                  reason: "class \"\(name)\" of task \(spec.name) is not a key (\(error))")
            }
        }
        let position = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var maps: [Int: [Int]] = [:]
        for shift in semitones {
            maps[shift] = try keys.map { key in
                let moved = try MusicalKey(tonic: ((key.tonic + shift) % 12 + 12) % 12, mode: key.mode)
                guard let c = position[moved] else {
                    throw TrainingError.invalidConfig(key: "key_transposition.task",
                                                      reason: "task \(spec.name) has \(key) but not \(moved), its transposition by \(shift)")
                }
                return c
            }
        }
        return maps
    }

    /// Transposes the chosen examples of `batch` (at its sample rate) and permutes the key task's
    /// targets to match. With `resampling` the waveforms are pitch-shifted here; without it they
    /// stay as they are and the shifts go to `batch.pitchShifts` for a model that transposes its
    /// own input (exactly, in its constant-Q bins). Returns the shift of each example (0: unchanged).
    @discardableResult
    public func apply(to batch: inout Batch, spec: TaskSpec, random: AugmentationRandom,
                      resampling: Bool = true) throws -> [Int] {
        let maps = try classMaps(for: spec)
        let count = try batch.waveforms.size(0)
        let chosen = try random.bernoulli(count, probability: probability)
        let drawn = try random.integers(count, in: semitones)
        let shifts = zip(chosen, drawn).map { $0 ? $1 : 0 }
        guard shifts.contains(where: { $0 != 0 }) else { return shifts }
        if resampling {
            batch.waveforms = try PitchShift().shift(batch.waveforms, semitones: shifts.map(Double.init), sampleRate: batch.sampleRate)
        } else {
            batch.pitchShifts = shifts
        }
        if let targets = batch.targets[spec.name] {
            // moved[i][map[c]] = old[i][c]: gather with the inverse map of each row's shift.
            let classes = spec.classes.count
            var index: [Int64] = []
            index.reserveCapacity(count * classes)
            for shift in shifts {
                var inverse = [Int64](repeating: 0, count: classes)
                if let map = maps[shift] { for (c, moved) in map.enumerated() { inverse[moved] = Int64(c) } }
                else { for c in 0..<classes { inverse[c] = Int64(c) } }
                index += inverse
            }
            let gather = try Tensor(index, shape: [count, classes]).to(targets.device)
            batch.targets[spec.name] = try targets.gather(dim: 1, index: gather)
        }
        return shifts
    }

    enum CodingKeys: String, CodingKey { case task, semitones, probability }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        task = try c.decode(String.self, forKey: .task)
        let range = try c.decodeIfPresent([Int].self, forKey: .semitones) ?? [-4, 4]
        guard range.count == 2, range[0] <= range[1] else {
            throw TrainingError.invalidConfig(key: "key_transposition.semitones", reason: "expected [low, high], found \(range)")
        }
        semitones = range[0]...range[1]
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? 0.5
        try validate()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(task, forKey: .task)
        try c.encode([semitones.lowerBound, semitones.upperBound], forKey: .semitones)
        try c.encode(probability, forKey: .probability)
    }
}
