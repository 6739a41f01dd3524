import Foundation
import Testing
@testable import Torch

@Suite("power projection of a spectrum onto a filterbank")
struct PowerProjectTests {
    /// Banded weights like a mel filterbank's (each row non-zero on a few bins), with an
    /// all-zero row and one that reaches both ends.
    func bandedWeights(filters: Int, bins: Int, dtype: DType) throws -> Tensor {
        var w = [Double](repeating: 0, count: filters * bins)
        for m in 0..<filters where m != 3 {
            let lo = (m * bins) / (filters + 1), hi = Swift.min(bins, lo + 2 + m % 5)
            for k in lo..<hi { w[m * bins + k] = 0.25 + Double((m * 7 + k) % 11) / 10 }
        }
        for k in 0..<bins { w[(filters - 1) * bins + k] = 1 }
        return try Tensor(w, shape: [filters, bins]).to(dtype)
    }

    /// The same sum as tensor operations in float64.
    func reference(_ weights: Tensor, _ spectrum: Tensor) throws -> Tensor {
        let x = try spectrum.to(.float64), w = try weights.to(.float64)
        return try w.matmul(x.select(dim: -1, index: 0).square() + x.select(dim: -1, index: 1).square())
    }

    func maxRelativeError(_ a: Tensor, _ b: Tensor) throws -> Double {
        let a = try a.to(.float64), b = try b.to(.float64)
        return try ((a - b).abs() / (b.abs() + 1e-12)).max().item()
    }

    @Test("equals weights @ (re² + im²) for STFT spectra, batched and strided, in each type",
          arguments: [(DType.float64, DType.float64), (.float64, .float32), (.float32, .float32), (.float32, .float64)])
    func matchesDense(_ input: DType, _ output: DType) throws {
        let generator = try Generator(seed: 11)
        let signal = try Tensor.randn([3, 4000], dtype: input, generator: generator)
        let window = try Tensor.hannWindow(64, dtype: input)
        let spectrum = try signal.stft(nFFT: 64, hop: 16, window: window)  // (3, 33, frames, 2), strided
        let weights = try bandedWeights(filters: 12, bins: 33, dtype: input)
        let projected = try withNoGrad { try Tensor.powerProject(weights, spectrum: spectrum, dtype: output) }
        #expect(projected.dtype == output)
        #expect(projected.shape == [3, 12, try spectrum.size(2)])
        #expect(projected.isContiguous())
        let tolerance = input == .float64 && output == .float64 ? 1e-12 : 1e-5
        #expect(try maxRelativeError(projected, reference(weights, spectrum)) < tolerance)
        // A contiguous (frames, bins, 2) layout without a batch dimension.
        let single = try spectrum.select(dim: 0, index: 1).contiguous()
        let alone = try withNoGrad { try Tensor.powerProject(weights, spectrum: single, dtype: output) }
        #expect(alone.shape == [12, try spectrum.size(2)])
        #expect(try maxRelativeError(alone, projected.select(dim: 0, index: 1)) < tolerance)
    }

    @Test("is differentiable when the spectrum requires gradients")
    func gradients() throws {
        let generator = try Generator(seed: 12)
        let spectrum = try Tensor.randn([5, 7, 2], dtype: .float64, generator: generator).requiringGrad()
        let weights = try bandedWeights(filters: 4, bins: 5, dtype: .float64)
        let projected = try withGrad { try Tensor.powerProject(weights, spectrum: spectrum, dtype: .float64) }
        #expect(try maxRelativeError(projected, reference(weights, spectrum.detached())) < 1e-12)
        try withGrad { try projected.sum().backward() }
        // d/dx Σ_m Σ_k w[m,k]·(re² + im²) = 2·x·Σ_m w[m,k].
        let columnSums = try weights.sum(dims: [0], keepDim: false).unsqueeze(-1).unsqueeze(-1)
        let expected = try spectrum.detached() * columnSums * 2.0
        let grad = try #require(spectrum.grad)
        #expect(try (grad - expected).abs().max().item() < 1e-12)
    }

    @Test("empty batches and frame counts give empty results")
    func empty() throws {
        let weights = try bandedWeights(filters: 4, bins: 5, dtype: .float32)
        let noFrames = try withNoGrad { try Tensor.powerProject(weights, spectrum: Tensor.zeros([2, 5, 0, 2]), dtype: .float32) }
        #expect(noFrames.shape == [2, 4, 0])
        let noBatch = try withNoGrad { try Tensor.powerProject(weights, spectrum: Tensor.zeros([0, 5, 3, 2]), dtype: .float64) }
        #expect(noBatch.shape == [0, 4, 3])
    }

    @Test("mismatched shapes and result types are TorchErrors")
    func errors() throws {
        let weights = try Tensor.ones([4, 5])
        #expect(throws: TorchError.self) { try Tensor.powerProject(weights, spectrum: Tensor.ones([6, 3, 2]), dtype: .float32) }
        #expect(throws: TorchError.self) { try Tensor.powerProject(weights, spectrum: Tensor.ones([5, 3, 3]), dtype: .float32) }
        #expect(throws: TorchError.self) { try Tensor.powerProject(weights, spectrum: Tensor.ones([5, 2]), dtype: .float32) }
        #expect(throws: TorchError.self) { try Tensor.powerProject(Tensor.ones([5]), spectrum: Tensor.ones([5, 3, 2]), dtype: .float32) }
        #expect(throws: TorchError.self) { try Tensor.powerProject(weights, spectrum: Tensor.ones([5, 3, 2]), dtype: .int64) }
    }
}
