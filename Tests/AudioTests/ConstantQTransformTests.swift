import Foundation
import Testing
import Torch
@testable import Audio

/// The constant-Q front end against librosa (fixtures from tools/make_cqt_fixtures.py) and
/// against the properties pitch work relies on.
///
/// Agreement with librosa 0.11 (default configuration, 3 s signals, measured when the
/// fixtures were made): magnitudes within 1.5% of each frame's maximum of `librosa.cqt`
/// (0.75% away from the first and last frame), held at 2%; log-magnitudes within 0.93 dB
/// where librosa's are above −20 dB re the frame's maximum, held at 1.25 dB. Quieter bins
/// differ more (up to 2.7 dB above −40 dB, 16 dB above −60 dB) because librosa drops 1% of
/// each filter's mass (`sparsity=0.01`) and resamples with soxr; those are not held.
@Suite("Constant-Q front end")
struct ConstantQTransformTests {
    static let fixtures: [String: Tensor] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cqt/cqt_reference.safetensors")
        return (try? TensorStore.load(contentsOf: url)) ?? [:]
    }()

    func fixture(_ name: String) throws -> Tensor {
        try #require(Self.fixtures[name], "fixture \(name) missing (regenerate with tools/make_cqt_fixtures.py)")
    }

    /// max over frames of max_k |a − b| / max_k |b| (each frame against its own loudest bin).
    func frameRelative(_ a: Tensor, _ b: Tensor) throws -> Double {
        let diff = try (a.to(.float64) - b.to(.float64)).abs().amax(dims: [0])
        return try (diff / b.to(.float64).abs().amax(dims: [0]).clamp(min: 1e-12)).max().item()
    }

    /// A sine of `hz` at amplitude 0.5, `seconds` long at 16 kHz, as (1, samples).
    func sine(_ hz: Double, seconds: Double = 4) throws -> Tensor {
        let n = Int(seconds * 16000)
        let samples = (0..<n).map { Float(0.5 * Foundation.sin(2 * Double.pi * hz * Double($0) / 16000)) }
        return try Tensor(samples, shape: [1, n])
    }

    /// The bin of the largest magnitude in each of the middle frames of a (1, bins, frames) output.
    func peakBins(_ cqt: Tensor) throws -> [Int] {
        let frames = try cqt.size(2)
        let middle = try cqt.squeeze(0).slice(dim: 1, start: 2, end: frames - 2)
        return try middle.argmax(dim: 0).toArray(Int64.self).map(Int.init)
    }

    static let signals = ["sines", "low", "chord", "noise", "music"]

    @Test("magnitudes within 2% of the frame maximum of librosa.cqt; dB within 1.25 dB above -20 dB re frame max",
          arguments: signals)
    func librosaMagnitudes(_ signal: String) throws {
        let wave = try fixture("\(signal).wave")
        let front = try ConstantQTransform().prepared()
        let actual = try withNoGrad { try front.magnitude(wave).squeeze(0) }
        for reference in ["librosa_cqt", "librosa_cqt_dense"] {
            let expected = try fixture("\(signal).\(reference)")
            #expect(actual.shape == expected.shape)
            let relative = try frameRelative(actual, expected)
            #expect(relative < 0.02, "\(signal) vs \(reference): \(relative) of the frame maximum")
        }
        let db = try withNoGrad { try front(wave).squeeze(0) }
        let librosaDB = try fixture("\(signal).librosa_db")
        let mask = try librosaDB.ge(librosaDB.amax(dims: [0], keepDim: true) - 20)
        let difference = try (db - librosaDB).abs().maskedFill(mask.logicalNot(), 0).max().item()
        #expect(difference < 1.25, "\(signal): \(difference) dB above -20 dB re frame max")
        #expect(try mask.to(.float32).mean().item() > 0.01, "the compared region is too small to mean anything")
    }

    /// Why the default decimates: the same numbers as computing every bin at the full rate,
    /// within 0.5% of the frame maximum on steady sines, in the frames whose kernels lie wholly
    /// inside the signal (near the ends the decimated kernels' placement, to half a sample at
    /// their rate, shows: up to 1% at 55 Hz), several times faster.
    @Test("decimated octaves agree with the full-rate definition on sines within 0.5%",
          arguments: [30.0, 55.0, 261.6, 440.0, 1234.5, 4000.0])
    func decimatedEqualsDirect(_ hz: Double) throws {
        let wave = try sine(hz)
        let decimated = try ConstantQTransform().prepared().magnitude(wave).squeeze(0)
        let direct = try ConstantQTransform(decimate: false).prepared().magnitude(wave).squeeze(0)
        // Frames whose longest kernel (2.2 s) lies wholly inside the signal.
        let config = ConstantQTransform(), samples = try wave.size(1)
        let half = Int(config.filterLength(hz: config.lowestHz) / 2) + 1
        let first = (half + config.hopLength - 1) / config.hopLength, last = (samples - half) / config.hopLength
        let relative = try frameRelative(decimated.slice(dim: 1, start: first, end: last + 1),
                                         direct.slice(dim: 1, start: first, end: last + 1))
        #expect(relative < 0.005, "\(hz) Hz: \(relative)")
    }

    @Test("a sine at a bin's centre frequency peaks in that bin", arguments: [0, 1, 50, 135, 200, 251])
    func sinePeaksInItsBin(_ bin: Int) throws {
        let config = ConstantQTransform()
        let hz = config.fmin * Foundation.pow(2, Double(bin) / 36)
        let full = try config.prepared()(sine(hz))
        #expect(try peakBins(full).allSatisfy { $0 == config.marginBins + bin }, "\(hz) Hz")
        #expect(try peakBins(config.transposedWindow(full, semitones: [0])).allSatisfy { $0 == bin })
    }

    @Test("a sine k semitones higher peaks 3k bins higher", arguments: [-6, -1, 1, 5, 12])
    func semitoneIsThreeBins(_ k: Int) throws {
        let config = ConstantQTransform()
        let base = 440.0, shifted = 440 * Foundation.pow(2, Double(k) / 12)
        let front = try config.prepared()
        let low = try peakBins(front(sine(base))), high = try peakBins(front(sine(shifted)))
        #expect(zip(low, high).allSatisfy { $1 - $0 == 3 * k }, "\(low) → \(high)")
    }

    /// The sign convention: +k looks like the audio transposed up by k semitones.
    @Test("transposing the window by +k semitones looks like the audio k semitones higher", arguments: [-6, -2, 0, 3, 6])
    func transposedWindowMatchesTransposedAudio(_ k: Int) throws {
        let config = ConstantQTransform()
        let front = try config.prepared()
        let original = try config.transposedWindow(front(sine(440)), semitones: [k])
        let transposed = try config.transposedWindow(front(sine(440 * Foundation.pow(2, Double(k) / 12))), semitones: [0])
        #expect(try peakBins(original) == peakBins(transposed))
        #expect(try peakBins(original).allSatisfy { $0 == 135 + 3 * k })
    }

    @Test("the transposition window is an exact gather of the full output, per example")
    func transposedWindowIsExactShift() throws {
        let config = ConstantQTransform()
        let waves = try Tensor.randn([3, 20_000], generator: Generator(seed: 3)) * 0.1
        let full = try config.prepared()(waves)
        let shifts = [-6, 0, 4]
        let window = try config.transposedWindow(full, semitones: shifts)
        #expect(window.shape == [3, config.bins, config.frameCount(samples: 20_000)])
        for (b, k) in shifts.enumerated() {
            let start = config.marginBins - 3 * k
            let expected = try full.select(dim: 0, index: b).slice(dim: 0, start: start, end: start + config.bins)
            #expect(try window.select(dim: 0, index: b).equals(expected))
        }
        // One shift for the whole batch takes the narrow path; it must agree too.
        let same = try config.transposedWindow(full, semitones: [2, 2, 2])
        #expect(try same.equals(full.slice(dim: 1, start: 12, end: 12 + config.bins)))
    }

    @Test("frames = samples / hop + 1, bins = bins + 2 · margin, batches match single examples")
    func shapes() throws {
        let config = ConstantQTransform()
        let front = try config.prepared()
        for samples in [1, 3199, 3200, 3201, 20_000] {
            let out = try front(Tensor.zeros([2, samples]))
            #expect(out.shape == [2, 288, samples / 3200 + 1])
            #expect(out.dtype == .float32)
        }
        let waves = try Tensor.randn([2, 10_000], generator: Generator(seed: 1))
        let batch = try front.magnitude(waves)
        for b in 0..<2 {
            let single = try front.magnitude(waves.select(dim: 0, index: b))
            #expect(try frameRelative(batch.select(dim: 0, index: b), single.squeeze(0)) < 1e-5)
        }
    }

    @Test("bad configurations and bad shifts are refused with named errors")
    func errors() throws {
        func refusal(_ config: ConstantQTransform) -> ConstantQError? {
            do { try config.validate(); return nil } catch { return error }
        }
        #expect(refusal(ConstantQTransform()) == nil)
        #expect(refusal(ConstantQTransform(sampleRate: 0)) == .nonPositiveParameter(name: "sample rate", value: 0))
        #expect(refusal(ConstantQTransform(fmin: -1)) == .nonPositiveParameter(name: "fmin", value: -1))
        #expect(refusal(ConstantQTransform(hopLength: 0)) == .nonPositiveParameter(name: "hop length", value: 0))
        #expect(refusal(ConstantQTransform(filterScale: .nan)) != nil)
        #expect(refusal(ConstantQTransform(marginBins: -1)) != nil)
        #expect(refusal(ConstantQTransform(amin: 0)) != nil)
        #expect(refusal(ConstantQTransform(topDB: -3)) != nil)
        if case .aboveNyquist = refusal(ConstantQTransform(bins: 300)) {} else { Issue.record("300 bins from C1 reach past 8 kHz") }
        #expect(throws: ConstantQError.self) { try ConstantQTransform(bins: 300).prepared() }

        let config = ConstantQTransform()
        let full = try Tensor.zeros([2, config.totalBins, 4])
        #expect(throws: ConstantQError.shiftBeyondMargin(semitones: 7, neededBins: 21, marginBins: 18)) {
            try config.transposedWindow(full, semitones: [0, 7])
        }
        #expect(throws: ConstantQError.shiftBeyondMargin(semitones: -7, neededBins: 21, marginBins: 18)) {
            try config.transposedWindow(full, semitones: [-7, 0])
        }
        #expect(throws: ConstantQError.shiftCountMismatch(shifts: 1, batch: 2)) { try config.transposedWindow(full, semitones: [1]) }
        #expect(throws: ConstantQError.badShape(expected: "(batch, 288, frames)", got: [2, 252, 4])) {
            try config.transposedWindow(Tensor.zeros([2, 252, 4]), semitones: [0, 0])
        }
        let odd = ConstantQTransform(binsPerOctave: 30, bins: 210, marginBins: 15)
        #expect(throws: ConstantQError.binsPerOctaveNotMultipleOf12(30)) {
            try odd.transposedWindow(Tensor.zeros([1, odd.totalBins, 2]), semitones: [1])
        }
    }

    @Test("decodes snake_case keys, taking defaults for the missing ones, and round-trips")
    func codable() throws {
        let json = #"{"bins_per_octave": 24, "bins": 168, "margin_bins": 12, "hop_length": 1600, "top_db": 80}"#
        let decoded = try JSONDecoder().decode(ConstantQTransform.self, from: Data(json.utf8))
        #expect(decoded == ConstantQTransform(binsPerOctave: 24, bins: 168, hopLength: 1600, marginBins: 12, topDB: 80))
        let again = try JSONDecoder().decode(ConstantQTransform.self, from: JSONEncoder().encode(decoded))
        #expect(again == decoded)
    }
}
