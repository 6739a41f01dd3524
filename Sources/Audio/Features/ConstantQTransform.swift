import Foundation
import Torch

/// Waveform → log-compressed constant-Q magnitude spectrogram, in tensor ops so that it runs
/// on the model's device; shape (batch, samples) → (batch, marginBins + bins + marginBins, frames).
///
/// Magnitudes follow `librosa.cqt(…, tuning=0)` with its defaults (Hann window, L1-normalised
/// filters, `scale=True`: each bin divided by √(filter length)), so a full-scale sine of
/// amplitude A at a bin's centre reads about A·√(length)/2. The log compression is
/// `amplitude_to_db`: `20·log10(max(|X|, amin)) − 20·log10(max(reference, amin))`, floored at
/// `max − topDB` per example when `topDB` is set.
///
/// The margin exists for pitch transposition: ``transposedWindow(_:semitones:)`` cuts the
/// `bins`-bin window out of the full output, shifted by whole semitones, without padding.
/// How the transform is computed is in ``ConstantQKernels`` and ``Prepared``.
public struct ConstantQTransform: Sendable, Equatable, Codable {
    public var sampleRate: Int
    /// Centre frequency (Hz) of the first bin of the window, i.e. after the lower margin.
    public var fmin: Double
    public var binsPerOctave: Int
    /// Bins in the window a model sees (without the margins).
    public var bins: Int
    public var hopLength: Int
    /// librosa's `filter_scale`: Q = filterScale / α with α = (2^(2/bpo) − 1)/(2^(2/bpo) + 1).
    public var filterScale: Double
    /// Extra bins computed below and above the window, for transposition.
    public var marginBins: Int
    public var amin: Double
    public var reference: Double
    public var topDB: Double?
    /// Compute the lower octaves on a decimated signal (halfband filters), as librosa does;
    /// `false` computes every bin at the full rate (the definition, 10–20× slower), which the
    /// tests compare against.
    public var decimate: Bool

    /// Crescendo's defaults: 16 kHz, 7 octaves of 36 bins from C1 (32.703 Hz), 5 frames/s,
    /// 6 semitones of margin each side, dB re 1 with amin 1e-5 and no floor.
    public init(sampleRate: Int = 16000, fmin: Double = 32.703195662574764, binsPerOctave: Int = 36,
                bins: Int = 252, hopLength: Int = 3200, filterScale: Double = 1, marginBins: Int = 18,
                amin: Double = 1e-5, reference: Double = 1, topDB: Double? = nil, decimate: Bool = true) {
        self.sampleRate = sampleRate
        self.fmin = fmin
        self.binsPerOctave = binsPerOctave
        self.bins = bins
        self.hopLength = hopLength
        self.filterScale = filterScale
        self.marginBins = marginBins
        self.amin = amin
        self.reference = reference
        self.topDB = topDB
        self.decimate = decimate
    }

    enum CodingKeys: String, CodingKey {
        case sampleRate = "sample_rate", fmin, binsPerOctave = "bins_per_octave", bins, hopLength = "hop_length"
        case filterScale = "filter_scale", marginBins = "margin_bins", amin, reference, topDB = "top_db", decimate
    }

    /// Any key may be left out of a YAML or JSON configuration; missing ones take the defaults.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ConstantQTransform()
        self.init(sampleRate: try c.decodeIfPresent(Int.self, forKey: .sampleRate) ?? d.sampleRate,
                  fmin: try c.decodeIfPresent(Double.self, forKey: .fmin) ?? d.fmin,
                  binsPerOctave: try c.decodeIfPresent(Int.self, forKey: .binsPerOctave) ?? d.binsPerOctave,
                  bins: try c.decodeIfPresent(Int.self, forKey: .bins) ?? d.bins,
                  hopLength: try c.decodeIfPresent(Int.self, forKey: .hopLength) ?? d.hopLength,
                  filterScale: try c.decodeIfPresent(Double.self, forKey: .filterScale) ?? d.filterScale,
                  marginBins: try c.decodeIfPresent(Int.self, forKey: .marginBins) ?? d.marginBins,
                  amin: try c.decodeIfPresent(Double.self, forKey: .amin) ?? d.amin,
                  reference: try c.decodeIfPresent(Double.self, forKey: .reference) ?? d.reference,
                  topDB: try c.decodeIfPresent(Double.self, forKey: .topDB),
                  decimate: try c.decodeIfPresent(Bool.self, forKey: .decimate) ?? d.decimate)
    }

    /// Bins computed: the window plus both margins.
    public var totalBins: Int { bins + 2 * marginBins }

    /// Centre frequency (Hz) of the lowest computed bin (the bottom of the lower margin).
    public var lowestHz: Double { fmin * Foundation.pow(2, -Double(marginBins) / Double(binsPerOctave)) }

    /// Centre frequencies (Hz) of all computed bins, lowest first.
    public var frequencies: [Double] {
        (0..<totalBins).map { lowestHz * Foundation.pow(2, Double($0) / Double(binsPerOctave)) }
    }

    /// librosa's relative bandwidth α and Q = filterScale / α.
    public var q: Double {
        let r = Foundation.pow(2, 2 / Double(binsPerOctave))
        return filterScale * (r + 1) / (r - 1)
    }

    /// Filter length in samples at the full rate, Q·sr/f, of a bin of centre `hz`.
    public func filterLength(hz: Double) -> Double { q * Double(sampleRate) / hz }

    /// Frames produced for `samples` input samples: centred at 0, hop, 2·hop, … (librosa's count).
    public func frameCount(samples: Int) -> Int { samples / hopLength + 1 }

    /// Bins per semitone, when whole.
    public var binsPerSemitone: Int? { binsPerOctave % 12 == 0 ? binsPerOctave / 12 : nil }

    /// Checks the configuration, naming what is wrong.
    public func validate() throws(ConstantQError) {
        let positive: [(String, Double)] = [("sample rate", Double(sampleRate)), ("fmin", fmin),
                                             ("bins per octave", Double(binsPerOctave)), ("bins", Double(bins)),
                                             ("hop length", Double(hopLength)), ("filter scale", filterScale)]
        for (name, value) in positive {
            if !(value.isFinite && value > 0) { throw ConstantQError.nonPositiveParameter(name: name, value: value) }
        }
        guard marginBins >= 0 else { throw ConstantQError.nonPositiveParameter(name: "margin bins (or zero)", value: Double(marginBins)) }
        guard amin > 0, reference > 0, (topDB ?? 0) >= 0 else {
            let floor = topDB.map { "\($0)" } ?? "none"
            throw ConstantQError.invalidCompression("amin (\(amin)) and reference (\(reference)) must be positive and top_db (\(floor)) non-negative")
        }
        // librosa's check: the top bin's centre plus half its Hann bandwidth (1.50018 bins of
        // its filter) must stay below Nyquist.
        let top = lowestHz * Foundation.pow(2, Double(totalBins - 1) / Double(binsPerOctave))
        let cutoff = top * (1 + 0.5 * 1.50018 / q)
        guard cutoff <= Double(sampleRate) / 2 else { throw ConstantQError.aboveNyquist(highestHz: cutoff, nyquistHz: Double(sampleRate) / 2) }
    }

    /// Precomputed kernels and decimation filter for repeated use on one device.
    public func prepared(device: Device = .cpu) throws -> Prepared {
        try Prepared(config: self, device: device)
    }
}
