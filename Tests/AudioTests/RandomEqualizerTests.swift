import Foundation
import Testing
import Torch
@testable import Audio

@Suite("Random equalizer")
struct RandomEqualizerTests {
    struct Case: Decodable {
        var controlHz: [Double]
        var gainsDB: [Double]
        var sampleRate: Int
        var taps: Int
        var kernel: [Double]
    }

    struct FixtureFile: Decodable { var cases: [Case] }

    @Test("kernels equal scipy.signal.firwin2's for the same curve (tools/make_equalizer_fixtures.py)")
    func firwin2() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("equalizer.json")))
        let cases = try JSONDecoder().decode(FixtureFile.self, from: data).cases
        #expect(cases.count == 3)
        for c in cases {
            let kernel = try RandomEqualizer.kernels(controlHz: c.controlHz, gainsDB: [c.gainsDB], sampleRate: c.sampleRate,
                                                     taps: c.taps)
            let ours: [Double] = try kernel.reshape([-1]).toArray()
            #expect(ours.count == c.kernel.count)
            let worst = zip(ours, c.kernel).map { Swift.abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-12, "\(c.taps) taps at \(c.sampleRate) Hz: largest difference \(worst)")
        }
    }

    @Test("the response follows the drawn curve within 0.5 dB at control points from 800 Hz up (2 dB below), symmetric kernel")
    func response() throws {
        let eq = RandomEqualizer(gainDB: -9...9, bands: 6, lowHz: 200, highHz: 6400, taps: 255)
        let gains: [Double] = [6, -9, 3, 9, -6, 0]
        let kernel: [Double] = try RandomEqualizer.kernels(controlHz: eq.controlHz, gainsDB: [gains], sampleRate: 16_000,
                                                           taps: eq.taps).reshape([-1]).toArray()
        #expect(zip(kernel, kernel.reversed()).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
        for (hz, db) in zip(eq.controlHz, gains) {
            let measured = 20 * Foundation.log10(WindowedSincFilter.magnitudeResponse(kernel, atHz: hz, sampleRate: 16_000))
            // 255 taps resolve about 16000 / 255 = 63 Hz: the corners of the curve at 200 and 400 Hz
            // (octave apart, 12–15 dB turns) are rounded off.
            #expect(Swift.abs(measured - db) < (hz >= 800 ? 0.5 : 2), "at \(hz) Hz: \(measured) dB, drawn \(db) dB")
        }
    }

    @Test("each chosen example gets its own curve; a sine's level changes by its curve's gain")
    func perExample() throws {
        // One 1 kHz sine in 8 rows: every row's gain at 1 kHz is drawn apart.
        let x = try Signal.sine(1000, rows: 8)
        let eq = RandomEqualizer(gainDB: -12...12, bands: 2, lowHz: 500, highHz: 2000, taps: 255)
        let y = try eq(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 3))
        #expect(y.shape == x.shape)
        let interior = { (t: Tensor) in try t.slice(dim: 1, start: 1000, end: 15_000) }
        let (after, before) = (try Signal.power(interior(y)), try Signal.power(interior(x)))
        let ratios = zip(after, before).map { Signal.decibels($0 / $1) }
        #expect(Set(ratios.map { Int(($0 * 10).rounded()) }).count == 8, "rows share a curve: \(ratios)")
        #expect(ratios.allSatisfy { Swift.abs($0) <= 12.5 }, "a gain beyond the range: \(ratios)")
        // The same draws give the curve directly: the gain at 1 kHz is the mean of the two points' dB.
        let random = try AugmentationRandom(seed: 3)
        _ = try random.bernoulli(8, probability: 1)
        let gains = try random.uniform(16, in: -12...12)
        for row in 0..<8 {
            let expected = (gains[2 * row] + gains[2 * row + 1]) / 2
            #expect(Swift.abs(ratios[row] - expected) < 0.5, "row \(row): \(ratios[row]) dB, curve \(expected) dB")
        }
    }

    @Test("settings out of range are refused with the transform named")
    func refusals() throws {
        for bad in [RandomEqualizer(bands: 1), RandomEqualizer(lowHz: 0), RandomEqualizer(lowHz: 500, highHz: 400),
                    RandomEqualizer(taps: 256), RandomEqualizer(gainDB: -Double.infinity...0)] {
            #expect(throws: AugmentationError.self) { try bad.validate() }
        }
        // 6400 Hz is above Nyquist at 8 kHz.
        #expect(throws: AugmentationError.self) {
            try RandomEqualizer()(Signal.sine(100), sampleRate: 8000, random: AugmentationRandom(seed: 1))
        }
    }

    @Test("decodes from the configuration form, defaults for what is left out")
    func decoding() throws {
        let json = #"{"waveform": [{"type": "equalizer", "gainDB": [-6, 6], "probability": 0.5}]}"#
        let policy = try JSONDecoder().decode(AugmentationPolicy.self, from: Data(json.utf8))
        #expect(policy.waveform == [.equalizer(RandomEqualizer(gainDB: -6...6, probability: 0.5))])
    }
}
