import Foundation
import Testing
import Torch
@testable import Audio

@Suite("Augmentation policy")
struct AugmentationPolicyTests {
    @Test("round-trips through JSON, every step with its type")
    func roundTrip() throws {
        var policy = AugmentationPolicy.studentDefault
        policy.waveform += everyWaveformTransform
        policy.mixup = Mixup(alpha: 0.2, lambdaPerExample: true, probability: 0.5)
        let data = try policy.jsonData()
        #expect(try AugmentationPolicy(json: data) == policy)
        let text = String(decoding: data, as: UTF8.self)
        for name in WaveformAugmentation.typeNames { #expect(text.contains("\"type\":\"\(name)\""), "\(name) missing") }
    }

    @Test("a hand-written configuration decodes, with defaults for what it leaves out")
    func decodesConfiguration() throws {
        let json = """
        {"waveform": [{"type": "gain", "gainDB": [-6, 6]},
                      {"type": "noise", "snrDB": [10, 30], "color": "pink", "probability": 0.5},
                      {"type": "filter", "kind": "highPass", "cutoffHz": [40, 400]},
                      {"type": "randomCrop", "duration": 3}],
         "spectrogram": [{"type": "mask", "axis": "time", "count": 2, "maxWidth": 40}],
         "mixup": {"alpha": 0.4}}
        """
        let policy = try AugmentationPolicy(json: Data(json.utf8))
        #expect(policy.waveform == [
            .gain(Gain(gainDB: -6...6, probability: 1)),
            .noise(AdditiveNoise(snrDB: 10...30, color: .pink, probability: 0.5)),
            .filter(FrequencyFilter(kind: .highPass, cutoffHz: 40...400, taps: 129, probability: 1)),
            .randomCrop(RandomCrop(duration: 3)),
        ])
        #expect(policy.spectrogram == [.mask(SpectrogramMask(axis: .time, count: 2, minWidth: 0, maxWidth: 40, fill: .mean))])
        #expect(policy.mixup == Mixup(alpha: 0.4))
        #expect(try AugmentationPolicy(json: Data("{}".utf8)) == .none)
    }

    @Test("unknown types and out-of-range settings are rejected with a message saying which")
    func rejects() throws {
        do {
            _ = try AugmentationPolicy(json: Data(#"{"waveform": [{"type": "flanger"}]}"#.utf8))
            Issue.record("an unknown type was accepted")
        } catch let error as DecodingError {
            #expect("\(error)".contains("flanger") && "\(error)".contains("pitchShift"))
        }
        #expect(throws: AugmentationError.self) {
            try AugmentationPolicy(json: Data(#"{"waveform": [{"type": "gain", "probability": 2}]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try AugmentationPolicy(json: Data(#"{"waveform": [{"type": "gain", "gainDB": [6, -6]}]}"#.utf8))
        }
    }

    @Test("the default student policy is deterministic given the seed and keeps shapes")
    func studentDefault() throws {
        let policy = AugmentationPolicy.studentDefault
        let x = try Signal.music(rows: 6, samples: 2 * Signal.rate)
        func run(_ seed: UInt64) throws -> (Tensor, Tensor) {
            let random = try AugmentationRandom(seed: seed)
            let wave = try policy.augmentWaveform(x, sampleRate: Signal.rate, random: random)
            let mel = try LogMelSpectrogram(precision: .float32).prepared()(wave)
            return (wave, try policy.augmentSpectrogram(mel, random: random))
        }
        let (w1, m1) = try run(10), (w2, m2) = try run(10), (w3, _) = try run(11)
        #expect(try w1.equals(w2) && m1.equals(m2))
        #expect(try !w1.equals(w3))
        #expect(w1.shape == x.shape && m1.shape == [6, 128, 2 * Signal.rate / 256 + 1])
        #expect(try AugmentationPolicy.none.augmentWaveform(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1)).equals(x))
        let unmixed = try AugmentationPolicy.none.mix(inputs: x, targets: .multiLabel(Tensor.ones([6, 2])), random: AugmentationRandom(seed: 1))
        #expect(try unmixed.inputs.equals(x) && unmixed.lambda.equals(Tensor.ones([6])))
    }
}
