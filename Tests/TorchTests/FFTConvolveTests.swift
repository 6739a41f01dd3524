import Foundation
import Testing
@testable import Torch

@Suite("FFT convolution")
struct FFTConvolveTests {
    /// Direct O(n·m) reference in Double.
    func directConvolution(_ x: [Double], _ h: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: x.count + h.count - 1)
        for i in 0..<x.count {
            for j in 0..<h.count { y[i + j] += x[i] * h[j] }
        }
        return y
    }

    @Test("equals the direct full convolution, per row and broadcast, for awkward lengths")
    func matchesDirect() throws {
        let generator = try Generator(seed: 7)
        for (n, m) in [(1, 1), (7, 3), (97, 31), (1000, 257), (5, 9)] {
            let x = try Tensor.randn([2, n], dtype: .float64, generator: generator)
            let h = try Tensor.randn([2, m], dtype: .float64, generator: generator)
            let y = try Tensor.fftConvolve(x, h)
            #expect(y.shape == [2, n + m - 1])
            for row in 0..<2 {
                let expected = directConvolution(try x.select(dim: 0, index: row).toArray(),
                                                 try h.select(dim: 0, index: row).toArray())
                let actual: [Double] = try y.select(dim: 0, index: row).toArray()
                let error = zip(expected, actual).map { Swift.abs($0 - $1) }.max() ?? 0
                #expect(error < 1e-9, "n \(n), m \(m): max error \(error)")
            }
            // One kernel for every row.
            let shared = try Tensor.fftConvolve(x, h.select(dim: 0, index: 0), length: n)
            #expect(shared.shape == [2, n])
            let expected = directConvolution(try x.select(dim: 0, index: 1).toArray(),
                                             try h.select(dim: 0, index: 0).toArray())
            let actual: [Double] = try shared.select(dim: 0, index: 1).toArray()
            #expect(zip(expected.prefix(n), actual).allSatisfy { Swift.abs($0 - $1) < 1e-9 })
        }
    }

    @Test("rejects a negative length and empty operands with a TorchError")
    func errors() throws {
        let x = try Tensor.ones([4])
        #expect(throws: TorchError.self) { try Tensor.fftConvolve(x, x, length: -1) }
        #expect(throws: TorchError.self) { try Tensor.fftConvolve(x, Tensor.ones([0])) }
    }
}
