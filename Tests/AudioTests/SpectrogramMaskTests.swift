import Foundation
import Testing
import Torch
@testable import Audio

@Suite("SpecAugment masks")
struct SpectrogramMaskTests {
    /// (batch, 64 bins, 200 frames), values in [10, 11): never 0 and never the mean by chance.
    func features(batch: Int = 8) throws -> Tensor {
        try Tensor.rand([batch, 64, 200], generator: Generator(seed: 3)) + 10
    }

    @Test("one band of fixed width blanks exactly that many consecutive frames or bins per example",
          arguments: [SpectrogramMask.Axis.time, .frequency])
    func widths(_ axis: SpectrogramMask.Axis) throws {
        let x = try features()
        for width in [1, 7, 30] {
            let mask = SpectrogramMask(axis: axis, count: 1, minWidth: width, maxWidth: width, fill: .zero)
            let y = try mask(x, random: AugmentationRandom(seed: 5))
            let zeroed = try y.eq(0)
            // Along the masked axis: a whole column (time) or row (frequency) is zero.
            let lines = try axis == .time ? zeroed.to(.int64).sum(dims: [1]).eq(64) : zeroed.to(.int64).sum(dims: [2]).eq(200)
            #expect(try zeroed.to(.int64).sum().itemInt() == 8 * width * (axis == .time ? 64 : 200))
            var starts = Set<Int>()
            for row in 0..<8 {
                let hit = try lines.select(dim: 0, index: row).toArray(Bool.self)
                let indices = hit.indices.filter { hit[$0] }
                #expect(indices.count == width, "\(axis) width \(width): example \(row) has \(indices.count)")
                #expect(indices.last.map { $0 - indices[0] + 1 } == width, "band is not contiguous")
                starts.insert(indices[0])
            }
            if width < 30 { #expect(starts.count > 1, "every example was masked at the same place") }
        }
    }

    @Test("widths stay within minWidth…maxWidth; several bands cover at most count × maxWidth")
    func ranges() throws {
        let x = try features(batch: 32)
        let y = try SpectrogramMask(axis: .time, count: 3, minWidth: 2, maxWidth: 10, fill: .zero)(x, random: AugmentationRandom(seed: 8))
        let masked = try y.eq(0).to(.int64).sum(dims: [1]).eq(64).to(.int64).sum(dims: [1]).toArray(Int64.self)
        #expect(masked.allSatisfy { (2...30).contains($0) }, "\(masked)")
        let z = try SpectrogramMask(axis: .frequency, count: 1, minWidth: 3, maxWidth: 9, fill: .zero)(x, random: AugmentationRandom(seed: 8))
        let bins = try z.eq(0).to(.int64).sum(dims: [2]).eq(200).to(.int64).sum(dims: [1]).toArray(Int64.self)
        #expect(bins.allSatisfy { (3...9).contains($0) } && Set(bins).count > 1, "\(bins)")
    }

    @Test("mean fill writes each example's mean; the rest is untouched; probability 0 is the identity")
    func fill() throws {
        let x = try features()
        let y = try SpectrogramMask.time(count: 1, maxWidth: 20)(x, random: AugmentationRandom(seed: 2))
        let changed = try y.ne(x)
        for row in 0..<8 {
            let mean = try x.select(dim: 0, index: row).mean().item()
            let values = try y.select(dim: 0, index: row).maskedFill(changed.select(dim: 0, index: row).logicalNot(), mean)
            #expect(try (values - mean).abs().max().item() < 1e-5)
        }
        var off = SpectrogramMask.frequency(count: 4, maxWidth: 20)
        off.probability = 0
        #expect(try off(x, random: AugmentationRandom(seed: 2)).equals(x))
        #expect(try off(x.select(dim: 0, index: 0), random: AugmentationRandom(seed: 2)).shape == [64, 200])
    }

    @Test("same seed, same masks; shapes are kept; bad settings are AugmentationErrors")
    func determinism() throws {
        let x = try features()
        let mask = SpectrogramMask.time(count: 2, maxWidth: 40)
        let a = try mask(x, random: AugmentationRandom(seed: 1)), b = try mask(x, random: AugmentationRandom(seed: 1))
        #expect(try a.equals(b) && a.shape == x.shape)
        #expect(try !mask(x, random: AugmentationRandom(seed: 9)).equals(a))
        #expect(throws: AugmentationError.self) { try SpectrogramMask(axis: .time, minWidth: 5, maxWidth: 2)(x, random: AugmentationRandom(seed: 1)) }
        #expect(throws: AugmentationError.self) { try mask(Tensor.ones([5]), random: AugmentationRandom(seed: 1)) }
    }
}
