import Foundation

/// A stage's training as its `metrics.jsonl` tells it, per epoch: the mean of the logged
/// training losses and the validation metrics (with the validation loss as `loss`).
public struct TrainingHistory: Sendable, Equatable {
    /// One epoch: mean logged training loss and the validation metrics at its end.
    public struct Epoch: Sendable, Equatable {
        public var epoch: Int
        public var trainLoss: Double?
        public var validation: [String: Double]

        public init(epoch: Int, trainLoss: Double?, validation: [String: Double]) {
            self.epoch = epoch
            self.trainLoss = trainLoss
            self.validation = validation
        }
    }

    public var epochs: [Epoch]

    public init(epochs: [Epoch]) { self.epochs = epochs }

    /// Reads a metrics log; a missing file is an empty history.
    public static func load(from url: URL) throws -> TrainingHistory {
        guard FileManager.default.fileExists(atPath: url.path) else { return TrainingHistory(epochs: []) }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ReportError.unreadable(path: url.path, reason: "not readable")
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// Parses JSON lines (`{"event": "train"|"validation", "epoch": …, "loss": …, …}`); lines that
    /// are not JSON objects (a line cut short by a kill) are skipped. A resumed run that logs an
    /// epoch twice keeps the last validation of the epoch.
    public static func parse(_ text: String) -> TrainingHistory {
        var losses: [Int: [Double]] = [:]
        var validation: [Int: [String: Double]] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let event = object["event"] as? String, let epoch = (object["epoch"] as? NSNumber)?.intValue
            else { continue }
            switch event {
            case "train":
                if let loss = (object["loss"] as? NSNumber)?.doubleValue, loss.isFinite { losses[epoch, default: []].append(loss) }
            case "validation":
                var metrics: [String: Double] = [:]
                for (key, value) in object where key != "epoch" && key != "step" && key != "event" {
                    if let number = value as? NSNumber { metrics[key] = number.doubleValue }
                }
                validation[epoch] = metrics
            default: continue
            }
        }
        let epochs = Set(losses.keys).union(validation.keys).sorted()
        return TrainingHistory(epochs: epochs.map { e in
            let l = losses[e] ?? []
            return Epoch(epoch: e, trainLoss: l.isEmpty ? nil : l.reduce(0, +) / Double(l.count), validation: validation[e] ?? [:])
        })
    }

    /// Every validation metric name logged, sorted.
    public var validationMetricNames: [String] { Array(Set(epochs.flatMap { $0.validation.keys })).sorted() }
}
