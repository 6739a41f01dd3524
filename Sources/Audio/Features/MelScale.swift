import Foundation

/// The two mel scales in use: Slaney's (librosa's default: linear below 1 kHz, logarithmic
/// above) and HTK's (`2595 · log10(1 + f/700)`, torchaudio's default).
public enum MelScale: String, Sendable, Codable, CaseIterable {
    case slaney
    case htk

    private static let slaneyStep = 200.0 / 3          // Hz per mel below 1 kHz
    private static let slaneyBreakHz = 1000.0
    private static let slaneyBreakMel = slaneyBreakHz / slaneyStep
    private static let slaneyLogStep = log(6.4) / 27.0

    public func mel(fromHz hz: Double) -> Double {
        switch self {
        case .htk:
            return 2595.0 * log10(1.0 + hz / 700.0)
        case .slaney:
            if hz < Self.slaneyBreakHz { return hz / Self.slaneyStep }
            return Self.slaneyBreakMel + log(hz / Self.slaneyBreakHz) / Self.slaneyLogStep
        }
    }

    public func hz(fromMel mel: Double) -> Double {
        switch self {
        case .htk:
            return 700.0 * (pow(10.0, mel / 2595.0) - 1.0)
        case .slaney:
            if mel < Self.slaneyBreakMel { return mel * Self.slaneyStep }
            return Self.slaneyBreakHz * exp(Self.slaneyLogStep * (mel - Self.slaneyBreakMel))
        }
    }
}

/// How each triangular mel filter is scaled.
public enum MelNormalization: String, Sendable, Codable {
    /// Peak 1 (torchaudio's default).
    case none
    /// Unit area: each filter divided by half its bandwidth in Hz (librosa's default).
    case slaney
}
