import Audio
import NN
import Torch

/// The log-mel front end as the first layer of a model: waveform (batch, samples) →
/// (batch, mels, frames). Its window and filterbank are computed from the configuration on
/// construction and are not part of the state dict (PyTorch's non-persistent buffers).
public final class LogMelFrontEnd: Module, UnaryLayer {
    public let config: LogMelSpectrogram
    @Buffer var window: Tensor
    @Buffer var filterbank: Tensor
    private let prepared: LogMelSpectrogram.Prepared

    public init(_ config: LogMelSpectrogram, device: Device = .cpu) throws {
        self.config = config
        prepared = try config.prepared(device: device)
        _window = Buffer(wrappedValue: prepared.window, persistent: false)
        _filterbank = Buffer(wrappedValue: prepared.filterbank, persistent: false)
        super.init()
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try prepared(x)
    }
}
