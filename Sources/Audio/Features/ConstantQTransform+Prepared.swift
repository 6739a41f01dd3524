import Foundation
import Torch

extension ConstantQTransform {
    /// A ready-to-run constant-Q front end: the octave groups' kernel matrices and the
    /// halfband filter as float32 tensors on one device.
    public struct Prepared: Sendable {
        public let config: ConstantQTransform
        let groups: [ConstantQKernels.Group]
        /// The kernel matrices, (length, 2·count), one per group, lowest bins first.
        let kernels: [Tensor]
        /// The halfband filter as a banded matrix (``HalfbandDecimator/blockMatrix``).
        let halfband: Tensor
        /// Rows of ``halfband``: the input samples one block of outputs reads.
        let halfbandRows: Int
        let levels: Int

        init(config: ConstantQTransform, device: Device) throws {
            try config.validate()
            self.config = config
            let design = ConstantQKernels(config)
            groups = design.groups
            levels = design.levels
            kernels = try design.groups.map { try Tensor($0.weights, shape: [$0.length, 2 * $0.count], device: device) }
            let band = HalfbandDecimator.blockMatrix
            halfband = try Tensor(band.weights, shape: [band.rows, band.columns], device: device)
            halfbandRows = band.rows
        }

        /// Constant-Q magnitudes of (batch, samples) or (samples) float32 → (batch, totalBins,
        /// frames) float32, lowest bin first.
        public func magnitude(_ waveform: Tensor) throws -> Tensor {
            let x = try (waveform.rank == 1 ? waveform.unsqueeze(0) : waveform).to(.float32)
            guard x.rank == 2 else { throw ConstantQError.badShape(expected: "(batch, samples) or (samples)", got: waveform.shape) }
            let samples = try x.size(1)
            guard samples >= 1 else { throw ConstantQError.tooFewSamples(samples, needed: 1) }
            let frames = config.frameCount(samples: samples)
            // The signal at each rate the groups need: halfband filter, keep every other sample.
            // Zero padding at the ends, as the zero-extended signal (librosa's pad_mode) implies;
            // each rate's signal is padded once, for all the frame matrices read from it.
            var parts: [Tensor?] = Array(repeating: nil, count: groups.count)
            var signal = x
            for level in 0...levels {
                let length = try signal.size(1)
                var reads: [Read] = []
                for (g, group) in groups.enumerated() where group.level == level {
                    reads.append(Read(count: frames, hop: config.hopLength >> level, firstOffset: group.firstOffset,
                                      length: group.length, group: g))
                }
                if level < levels { reads.append(halvingRead(samples: length)) }
                let padded = try Padded(signal, reads: reads)
                for read in reads {
                    let frameMatrix = try padded.frames(read)
                    guard let g = read.group else {
                        let outputs = (length + 1) / 2
                        signal = try frameMatrix.matmul(halfband).reshape([try x.size(0), read.count * HalfbandDecimator.outputsPerBlock])
                            .slice(dim: 1, start: 0, end: outputs)
                        continue
                    }
                    let count = groups[g].count
                    let response = try frameMatrix.matmul(kernels[g])
                    let re = try response.slice(dim: 2, start: 0, end: count)
                    let im = try response.slice(dim: 2, start: count, end: 2 * count)
                    parts[g] = try (re.square() + im.square()).sqrt()
                }
            }
            return try Tensor.cat(parts.map { $0! }, dim: 2).transpose(1, 2).contiguous()
        }

        /// Frames read from one rate's signal: frame t is z[t·hop + firstOffset ..< t·hop + firstOffset + length]
        /// (zeros outside z), for octave group `group`, or for the halfband filter when nil.
        struct Read {
            var count: Int, hop: Int, firstOffset: Int, length: Int
            var group: Int?
        }

        /// The halfband filter's read of an n-sample signal: ⌈n/2⌉ outputs in blocks of M, block b
        /// from z[2·M·b − 32 ..< 2·M·b − 32 + rows]; output i = Σ_j h[j]·z[2i + j − 32].
        func halvingRead(samples: Int) -> Read {
            let m = HalfbandDecimator.outputsPerBlock, outputs = (samples + 1) / 2
            return Read(count: (outputs + m - 1) / m, hop: 2 * m, firstOffset: -(HalfbandDecimator.tapCount / 2),
                        length: halfbandRows, group: nil)
        }

        /// (batch, samples) zero-padded once for all of `reads`; `frames(_:)` is then a view
        /// (ATen's unfold), which the matrix product copies once.
        struct Padded {
            let tensor: Tensor
            let left: Int

            init(_ z: Tensor, reads: [Read]) throws {
                let samples = try z.size(1)
                left = reads.map { Swift.max(0, -$0.firstOffset) }.max() ?? 0
                let end = reads.map { $0.firstOffset + (($0.count - 1) * $0.hop + $0.length) }.max() ?? 0
                let right = Swift.max(0, end - samples)
                tensor = left == 0 && right == 0 ? z : try z.constantPad([left, right])
            }

            /// (batch, count, length) view of the frames of `read`.
            func frames(_ read: Read) throws -> Tensor {
                let start = read.firstOffset + left, span = (read.count - 1) * read.hop + read.length
                return try tensor.slice(dim: 1, start: start, end: start + span).unfold(dim: 1, size: read.length, step: read.hop)
            }
        }

        /// Log-magnitude (dB, see ``ConstantQTransform``) of (batch, samples) → (batch, totalBins, frames) float32.
        public func callAsFunction(_ waveform: Tensor) throws -> Tensor {
            try decibels(magnitude(waveform))
        }

        /// librosa's `amplitude_to_db` over each example of a (batch, …) magnitude tensor.
        public func decibels(_ magnitude: Tensor) throws -> Tensor {
            try magnitude.decibels(factor: 20, amin: config.amin, reference: config.reference, topDB: config.topDB)
        }
    }
}
