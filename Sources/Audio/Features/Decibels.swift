import Foundation
import Torch

extension Tensor {
    /// librosa's `power_to_db` (`factor` 10) or `amplitude_to_db` (`factor` 20) over each example
    /// of a (batch, …) tensor: `factor·log10(max(x, amin)) − factor·log10(max(reference, amin))`,
    /// floored at each example's maximum − `topDB` when it is set. The one dB conversion of the
    /// log-mel and constant-Q front ends.
    func decibels(factor: Double, amin: Double, reference: Double, topDB: Double?) throws -> Tensor {
        var db = try clamp(min: amin).log10()
        try db.mulInPlace(factor)
        let offset = factor * Foundation.log10(Swift.max(amin, reference))
        if offset != 0 { try db.addInPlace(-offset) }
        if let topDB {
            let floor = try db.amax(dims: Array(1..<db.rank), keepDim: true) - topDB
            db = try db.maximum(floor)
        }
        return db
    }
}
