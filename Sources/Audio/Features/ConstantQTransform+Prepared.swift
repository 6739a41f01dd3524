import Foundation
import Torch

extension ConstantQTransform {
    /// A ready-to-run constant-Q front end: the octave groups' kernel matrices and the
    /// halfband filter as float32 tensors on one device.
    public struct Prepared: @unchecked Sendable {
        public let config: ConstantQTransform
        let groups: [ConstantQKernels.Group]
        /// The kernel matrices, (length, 2·count), one per group, lowest bins first.
        let kernels: [Tensor]
        /// The halfband filter as a banded matrix (``HalfbandDecimator/blockMatrix``).
        let halfband: Tensor
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
            // Zero padding at the ends, as the zero-extended signal (librosa's pad_mode) implies.
            var signals = [x]
            for _ in 0..<levels { signals.append(try halve(signals[signals.count - 1])) }
            var parts: [Tensor] = []
            for (group, kernel) in zip(groups, kernels) {
                let hop = config.hopLength >> group.level
                let frameMatrix = try Self.frames(signals[group.level], count: frames, hop: hop,
                                                  firstOffset: group.firstOffset, length: group.length)
                let response = try frameMatrix.matmul(kernel)
                let re = try response.slice(dim: 2, start: 0, end: group.count)
                let im = try response.slice(dim: 2, start: group.count, end: 2 * group.count)
                parts.append(try (re.square() + im.square()).sqrt())
            }
            return try Tensor.cat(parts, dim: 2).transpose(1, 2).contiguous()
        }

        /// (batch, ⌈n/2⌉) from (batch, n): output i = Σ_j h[j]·z[2i + j − 32], zeros outside z.
        func halve(_ z: Tensor) throws -> Tensor {
            let batch = try z.size(0), outputs = (try z.size(1) + 1) / 2
            let m = HalfbandDecimator.outputsPerBlock, blocks = (outputs + m - 1) / m
            let rows = try Self.frames(z, count: blocks, hop: 2 * m, firstOffset: -(HalfbandDecimator.tapCount / 2),
                                       length: try halfband.size(0))
            return try rows.matmul(halfband).reshape([batch, blocks * m]).slice(dim: 1, start: 0, end: outputs)
        }

        /// (batch, frames, length): frame t holds z[t·hop + firstOffset ..< t·hop + firstOffset + length],
        /// zeros outside the signal. Built from hop-sized chunks of the padded signal, `m` of them
        /// side by side (m = ⌈length / hop⌉), because ATen's unfold is not in the shim; the copy is
        /// 1/(2·bins per group) of the matrix product's work.
        static func frames(_ z: Tensor, count: Int, hop: Int, firstOffset: Int, length: Int) throws -> Tensor {
            let samples = try z.size(1), batch = try z.size(0)
            let left = Swift.max(0, -firstOffset), base = firstOffset + left
            let m = (length + hop - 1) / hop, chunks = count - 1 + m
            let right = Swift.max(0, base + chunks * hop - (samples + left))
            let padded = try z.constantPad([left, right])
            let blocks = try padded.slice(dim: 1, start: base, end: base + chunks * hop).reshape([batch, chunks, hop])
            let wide = m == 1 ? blocks : try Tensor.cat((0..<m).map { try blocks.slice(dim: 1, start: $0, end: $0 + count) }, dim: 2)
            return try wide.slice(dim: 1, start: 0, end: count).slice(dim: 2, start: 0, end: length)
        }

        /// Log-magnitude (dB, see ``ConstantQTransform``) of (batch, samples) → (batch, totalBins, frames) float32.
        public func callAsFunction(_ waveform: Tensor) throws -> Tensor {
            try decibels(magnitude(waveform))
        }

        /// librosa's `amplitude_to_db` over each example of a (batch, …) magnitude tensor.
        public func decibels(_ magnitude: Tensor) throws -> Tensor {
            var db = try magnitude.clamp(min: config.amin).log10()
            try db.mulInPlace(20.0)
            let offset = 20.0 * Foundation.log10(Swift.max(config.amin, config.reference))
            if offset != 0 { try db.addInPlace(-offset) }
            if let topDB = config.topDB {
                let floor = try db.amax(dims: Array(1..<db.rank), keepDim: true) - topDB
                db = try db.maximum(floor)
            }
            return db
        }
    }
}
