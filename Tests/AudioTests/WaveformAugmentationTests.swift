import Foundation
import Testing
import Torch
@testable import Audio

/// Every waveform transform at probability 1 with wide ranges, for the generic checks.
let everyWaveformTransform: [WaveformAugmentation] = [
    .randomCrop(RandomCrop(duration: 0.5)),
    .gain(Gain(gainDB: -12...12)),
    .polarityInversion(PolarityInversion(probability: 1)),
    .noise(AdditiveNoise(snrDB: 0...30, color: .white)),
    .noise(AdditiveNoise(snrDB: 0...30, color: .pink)),
    .filter(FrequencyFilter(kind: .lowPass, cutoffHz: 500...4000)),
    .filter(FrequencyFilter(kind: .highPass, cutoffHz: 100...2000)),
    .equalizer(RandomEqualizer()),
    .echo(Echo()),
    .pitchShift(PitchShift(semitones: -3...3)),
    .reverb(Reverb()),
]

@Suite("Waveform augmentation")
struct WaveformAugmentationTests {
    @Test("same seed, same output; another seed, another output", arguments: everyWaveformTransform)
    func determinism(_ step: WaveformAugmentation) throws {
        let x = try Signal.music()
        let a = try step(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 42))
        let b = try step(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 42))
        let c = try step(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 43))
        #expect(try a.equals(b), "\(step): two runs with seed 42 differ")
        if case .polarityInversion = step {
            #expect(try c.equals(a))  // nothing random left at probability 1
        } else {
            #expect(try !c.equals(a), "\(step): seeds 42 and 43 give the same output")
        }
    }

    @Test("probability 0 is the identity", arguments: everyWaveformTransform)
    func probabilityZero(_ step: WaveformAugmentation) throws {
        var transform = step.transform
        if case .randomCrop = step { transform = RandomCrop(duration: 1.0) }  // 1 s: the input's length
        transform.probability = 0
        let x = try Signal.music()
        let y = try transform(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        #expect(try y.equals(x), "\(step) at probability 0 changed the input")
    }

    @Test("(batch, samples) and (samples) keep their shape and dtype; crop sets the length",
          arguments: everyWaveformTransform)
    func shapes(_ step: WaveformAugmentation) throws {
        let batch = try Signal.music(rows: 3)
        let single = try batch.select(dim: 0, index: 0)
        let random = try AugmentationRandom(seed: 5)
        let expected = if case .randomCrop = step { 8000 } else { Signal.rate }
        let y = try step(batch, sampleRate: Signal.rate, random: random)
        #expect(y.shape == [3, expected] && y.dtype == .float32)
        let z = try step(single, sampleRate: Signal.rate, random: random)
        #expect(z.shape == [expected] && z.dtype == .float32)
        #expect(try y.isFinite().logicalNot().sum().itemInt() == 0)
    }

    @Test("a crop is a window of the input; the unchosen take the centre; short inputs are padded")
    func crop() throws {
        let x = try Tensor.arange(0, 16_000, dtype: .float32).unsqueeze(0).expand([6, 16_000]).contiguous()
        let y = try RandomCrop(duration: 0.25)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 3))
        for row in 0..<6 {
            let values: [Float] = try y.select(dim: 0, index: row).toArray()
            #expect(values.count == 4000)
            #expect(zip(values, values.dropFirst()).allSatisfy { $1 == $0 + 1 }, "row \(row) is not contiguous")
        }
        let starts = Set(try y.select(dim: 1, index: 0).toArray(Float.self))
        #expect(starts.count > 1, "every example was cut at the same place")
        let centre = try RandomCrop(duration: 0.25, probability: 0)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 3))
        #expect(try centre.select(dim: 1, index: 0).toArray(Float.self) == Array(repeating: 6000, count: 6))
        let padded = try RandomCrop(duration: 2)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 3))
        #expect(padded.shape == [6, 32_000])
        #expect(try padded.slice(dim: 1, start: 16_000).abs().max().item() == 0)
    }

    @Test("gain: a fixed +6 dB doubles the amplitude; a range stays within it")
    func gain() throws {
        let x = try Signal.music()
        let y = try Gain(gainDB: 6...6)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        for (before, after) in zip(try Signal.power(x), try Signal.power(y)) {
            #expect(Swift.abs(Signal.decibels(after / before) - 6) < 1e-4)
        }
        let z = try Gain(gainDB: -3...9)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        let achieved = zip(try Signal.power(x), try Signal.power(z)).map { Signal.decibels($1 / $0) }
        #expect(achieved.allSatisfy { $0 >= -3 - 1e-4 && $0 <= 9 + 1e-4 })
        #expect(Set(achieved.map { ($0 * 100).rounded() }).count == 4, "examples should draw their own gains")
    }

    @Test("polarity inversion negates exactly; at probability 0.5 some rows flip, some do not")
    func polarity() throws {
        let x = try Signal.music(rows: 16)
        #expect(try PolarityInversion(probability: 1)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1)).equals(x.neg()))
        let y = try PolarityInversion(probability: 0.5)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        let flipped = try (0..<16).filter { try y.select(dim: 0, index: $0).equals(x.select(dim: 0, index: $0).neg()) }.count
        #expect(flipped > 0 && flipped < 16)
    }

    @Test("noise is added at the drawn SNR, within 0.01 dB", arguments: NoiseColor.allCases)
    func snr(_ color: NoiseColor) throws {
        let x = try Signal.music()
        for target in [0.0, 10, 25] {
            let y = try AdditiveNoise(snrDB: target...target, color: color)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 9))
            let noise = try y - x
            for (signal, added) in zip(try Signal.power(x), try Signal.power(noise)) {
                let achieved = Signal.decibels(signal / added)
                #expect(Swift.abs(achieved - target) < 0.01, "\(color) at \(target) dB: achieved \(achieved) dB")
            }
        }
        let y = try AdditiveNoise(snrDB: 5...20, color: color)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 9))
        let achieved = zip(try Signal.power(x), try Signal.power(y - x)).map { Signal.decibels($0 / $1) }
        #expect(achieved.allSatisfy { $0 > 5 - 0.01 && $0 < 20 + 0.01 }, "\(achieved)")
    }

    @Test("pink noise has equal power per octave (within 1.5 dB), white gains 3 dB per octave")
    func noiseSpectra() throws {
        let random = try AugmentationRandom(seed: 2)
        let pink = try NoiseColor.pink.sample(batch: 1, samples: 16 * Signal.rate, random: random)
        let white = try NoiseColor.white.sample(batch: 1, samples: 16 * Signal.rate, random: random)
        let octaves = [125.0, 250, 500, 1000, 2000, 4000]
        for (noise, slope) in [(pink, 0.0), (white, 3.0)] {
            let spectrum = try Signal.spectrum(noise)
            let bands = octaves.map { Signal.decibels(Signal.bandPower(spectrum, $0, 2 * $0)) }
            for (low, high) in zip(bands, bands.dropFirst()) {
                #expect(Swift.abs(high - low - slope) < 1.5, "octave-to-octave change \(high - low) dB, expected \(slope)")
            }
        }
    }

    @Test("windowed-sinc kernels: flat pass band, -6 dB at the cutoff, over 60 dB down in the stop band")
    func filterResponse() throws {
        let rate = Signal.rate
        let low = try WindowedSincFilter.lowPass(cutoffHz: [1000], sampleRate: rate, taps: 129, dtype: .float64)
        let high = try WindowedSincFilter.highPass(cutoffHz: [1000], sampleRate: rate, taps: 129, dtype: .float64)
        let lp: [Double] = try low.reshape([-1]).toArray(), hp: [Double] = try high.reshape([-1]).toArray()
        func gainDB(_ h: [Double], _ hz: Double) -> Double {
            20 * Foundation.log10(WindowedSincFilter.magnitudeResponse(h, atHz: hz, sampleRate: rate))
        }
        #expect(zip(lp, lp.reversed()).allSatisfy { Swift.abs($0 - $1) < 1e-15 }, "kernel is not symmetric (linear phase)")
        for hz in [0.0, 100, 300, 500] { #expect(Swift.abs(gainDB(lp, hz)) < 0.01, "low-pass at \(hz) Hz: \(gainDB(lp, hz)) dB") }
        #expect(Swift.abs(gainDB(lp, 1000) + 6.02) < 0.2, "low-pass at its cutoff: \(gainDB(lp, 1000)) dB")
        for hz in [1500.0, 2000, 4000, 7900] { #expect(gainDB(lp, hz) < -60, "low-pass at \(hz) Hz: \(gainDB(lp, hz)) dB") }
        for hz in [1500.0, 3000, 7999] { #expect(Swift.abs(gainDB(hp, hz)) < 0.01, "high-pass at \(hz) Hz: \(gainDB(hp, hz)) dB") }
        for hz in [0.0, 200, 500] { #expect(gainDB(hp, hz) < -60, "high-pass at \(hz) Hz: \(gainDB(hp, hz)) dB") }
    }

    @Test("the filter transform attenuates a stop-band sine by over 60 dB and passes a pass-band one")
    func filterSines() throws {
        let low = FrequencyFilter(kind: .lowPass, cutoffHz: 1000...1000)
        let high = FrequencyFilter(kind: .highPass, cutoffHz: 1000...1000)
        // Away from the edges, where the zero padding shows.
        func interior(_ x: Tensor) throws -> Tensor { try x.slice(dim: 1, start: 1000, end: 15_000) }
        for (filter, passHz, stopHz) in [(low, 300.0, 2500.0), (high, 3000, 300)] {
            let pass = try Signal.sine(passHz), stop = try Signal.sine(stopHz)
            let passed = try filter(pass, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
            let stopped = try filter(stop, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
            let passDB = Signal.decibels(try Signal.power(interior(passed))[0] / Signal.power(interior(pass))[0])
            let stopDB = Signal.decibels(try Signal.power(interior(stopped))[0] / Signal.power(interior(stop))[0])
            #expect(Swift.abs(passDB) < 0.05, "\(filter.kind): pass-band sine changed by \(passDB) dB")
            #expect(stopDB < -60, "\(filter.kind): stop-band sine only \(stopDB) dB down")
        }
    }

    @Test("pitch shift moves a sine's peak by 2^(s/12), within 0.1 Hz, over the whole crop", arguments: [2.0, -3, 5, 0.5])
    func pitch(_ semitones: Double) throws {
        let x = try Signal.sine(440)
        let y = try PitchShift(semitones: semitones...semitones)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        #expect(y.shape == x.shape)
        let factor = Foundation.pow(2, semitones / 12)  // equal temperament, independent of the implementation
        let expected = 440 * factor
        let peak = try Signal.peakFrequency(y.select(dim: 0, index: 0).slice(dim: 0, start: 100, end: Signal.rate - 100))
        #expect(Swift.abs(peak - expected) < 0.1, "peak at \(peak) Hz, expected \(expected) Hz")
        #expect(Swift.abs(try Signal.peakFrequency(x.select(dim: 0, index: 0)) - 440) < 0.05)
    }

    @Test("an upward shift fills the crop: +6 semitones of a full-scale tone, the tail neither silent nor padded, at the new pitch")
    func pitchUpFillsCrop() throws {
        let n = Signal.rate
        let x = try Signal.sine(440, samples: n, amplitude: 1)
        let y = try PitchShift(semitones: 6...6)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        #expect(y.shape == x.shape)
        // Resampling alone covers n / 2^(6/12) = 71% of the crop: the last 29% used to be zeros.
        let tailStart = Int(Double(n) / PitchShift.factor(semitones: 6))
        let tail = try y.select(dim: 0, index: 0).slice(dim: 0, start: tailStart, end: n)
        let values = try tail.toArray(Float.self)
        // Every 10 ms of the tail carries the tone at full level (RMS of a unit sine: 0.707).
        for start in stride(from: 0, to: values.count - 160, by: 160) {
            let rms = (values[start..<(start + 160)].reduce(0) { $0 + Double($1 * $1) } / 160).squareRoot()
            #expect(rms > 0.6 && rms < 0.8, "RMS \(rms) at sample \(tailStart + start)")
        }
        let expected = 440 * PitchShift.factor(semitones: 6)
        let peak = try Signal.peakFrequency(tail)
        #expect(Swift.abs(peak - expected) < 0.5, "the tail peaks at \(peak) Hz, expected \(expected) Hz")
        let head = try Signal.peakFrequency(y.select(dim: 0, index: 0).slice(dim: 0, start: 0, end: tailStart))
        #expect(Swift.abs(head - expected) < 0.2, "the head peaks at \(head) Hz, expected \(expected) Hz")
    }

    @Test("pitch shift keeps the tempo: an onset stays where it was")
    func pitchKeepsTempo() throws {
        // A tone that starts at 0.6 s: shifted up or down, it still starts near 0.6 s (a
        // tape-style resampling would move it to 0.6 / 2^(s/12) s).
        let n = Signal.rate
        let onset = 9_600
        let mask = try Tensor((0..<n).map { Float($0 >= onset ? 1 : 0) }, shape: [1, n])
        let x = try Signal.sine(440, samples: n, amplitude: 0.5) * mask
        for semitones in [5.0, -5] {
            let y = try PitchShift(semitones: semitones...semitones)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
            let values = try y.toArray(Float.self)
            let first = try #require(values.firstIndex { Swift.abs($0) > 0.1 })
            // Within one WSOLA frame (40 ms) of the onset.
            #expect(Swift.abs(first - onset) < 640, "\(semitones) semitones: the tone starts at sample \(first), not near \(onset)")
        }
    }

    @Test("pitch shift: zero semitones is the identity; anti-aliasing removes what would fold over")
    func pitchEdges() throws {
        let x = try Signal.music()
        #expect(try PitchShift(semitones: 0...0)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1)).equals(x))
        // 7 kHz raised 3 semitones is 8.3 kHz, above Nyquist: without the filter it folds to 7.7 kHz.
        let high = try Signal.sine(7000)
        let guarded = try PitchShift(semitones: 3...3)(high, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        let aliased = try PitchShift(semitones: 3...3, antiAliasing: false)(high, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        func level(_ y: Tensor) throws -> Double {
            Signal.decibels(try Signal.power(y.slice(dim: 1, start: 1000, end: 12_000))[0] / Signal.power(high)[0])
        }
        let (guardedDB, aliasedDB) = (try level(guarded), try level(aliased))
        #expect(guardedDB < -40, "anti-aliased: \(guardedDB) dB")
        #expect(aliasedDB > -10, "without the filter the alias should remain: \(aliasedDB) dB")
    }

    @Test("echo adds one copy of an impulse at the drawn delay and gain")
    func echo() throws {
        let impulse = try Tensor.zeros([1, 4000])
        try impulse.select(dim: 1, index: 100).fill(1)
        let y = try Echo(delaySeconds: 0.01...0.01, gain: 0.5...0.5)(impulse, sampleRate: Signal.rate, random: AugmentationRandom(seed: 1))
        let values: [Float] = try y.reshape([-1]).toArray()
        #expect(values[100] == 1 && values[260] == 0.5)
        #expect(values.enumerated().allSatisfy { [100, 260].contains($0.offset) || $0.element == 0 })
    }

    @Test("reverb of an impulse is the response: unit energy, 30 dB less energy in the second half of RT60, nothing after")
    func reverb() throws {
        let impulse = try Tensor.zeros([1, 16_000])
        try impulse.select(dim: 1, index: 0).fill(1)
        let y = try Reverb(rt60Seconds: 0.5...0.5, wet: 1...1)(impulse, sampleRate: Signal.rate, random: AugmentationRandom(seed: 4))
        let energy = { (a: Int, b: Int) throws -> Double in try y.to(.float64).slice(dim: 1, start: a, end: b).square().sum().item() }
        #expect(Swift.abs(try energy(0, 16_000) - 1) < 1e-4)
        let decay = Signal.decibels(try energy(0, 4000) / energy(4000, 8000))
        #expect(Swift.abs(decay - 30) < 3, "energy decay over half an RT60: \(decay) dB")
        let after = try energy(8001, 16_000)
        #expect(after < 1e-8, "energy after RT60: \(after)")
        // Dry/wet mix: w = 0 is the dry signal.
        let x = try Signal.music()
        let dry = try Reverb(rt60Seconds: 0.3...0.3, wet: 0...0)(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 4))
        #expect(try dry.allClose(x, rtol: 0, atol: 1e-7))
    }

    @Test("invalid settings and shapes are AugmentationErrors naming the transform")
    func errors() throws {
        let x = try Signal.music()
        let random = try AugmentationRandom(seed: 1)
        #expect(throws: AugmentationError.self) { try Gain(probability: 1.5)(x, sampleRate: 16_000, random: random) }
        #expect(throws: AugmentationError.self) {
            try FrequencyFilter(kind: .lowPass, cutoffHz: 1000...9000)(x, sampleRate: 16_000, random: random)
        }
        #expect(throws: AugmentationError.self) { try FrequencyFilter(kind: .lowPass, cutoffHz: 100...200, taps: 64).validate() }
        #expect(throws: AugmentationError.self) { try Gain()(x.unsqueeze(0), sampleRate: 16_000, random: random) }
        #expect(throws: AugmentationError.self) { try Gain()(x, sampleRate: 0, random: random) }
        do {
            _ = try Reverb(wet: 0...2)(x, sampleRate: 16_000, random: random)
            Issue.record("wet 0...2 was accepted")
        } catch let error as AugmentationError {
            #expect(error.description.contains("reverb") && error.description.contains("wet"))
        }
    }

    @Test("on CUDA, a policy gives what it gives on the CPU",
          .enabled(if: Runtime.cudaDeviceCount > 0, "no CUDA device (libtorch sees none): skipped, not passed"))
    func device() throws {
        let x = try Signal.music()
        let policy = AugmentationPolicy(waveform: everyWaveformTransform.filter {
            if case .randomCrop = $0 { return false } else { return true }
        })
        let cpu = try policy.augmentWaveform(x, sampleRate: Signal.rate, random: AugmentationRandom(seed: 8))
        let gpu = try policy.augmentWaveform(x.to(.cuda(0)), sampleRate: Signal.rate, random: AugmentationRandom(seed: 8))
        #expect(gpu.device == .cuda(0))
        #expect(try gpu.to(.cpu).allClose(cpu, rtol: 1e-3, atol: 1e-4))
    }
}

