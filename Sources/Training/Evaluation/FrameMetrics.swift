import MusicTasks

/// Validation metrics of time-aligned tasks on clip windows, cheap enough to run after every
/// epoch: for `events`, each class's events are the peaks of its activation (local maxima of at
/// least 0.5, at most one per 3 frames) and are scored against the target's events (frames whose
/// target is 1) with the mir_eval F-measure at ±70 ms, keeping the first seconds (a clip is short)
/// — `<class>_f_measure`, the mean over examples; for `segments`, `frame_accuracy`: the share of
/// labelled frames whose most probable class is the target's (at frame resolution, the weighted
/// overlap of the task's vocabulary). Whole-track scores with the decoders are the test split's.
enum FrameMetrics {
    static func compute(_ predictions: TaskPredictions) throws -> [String: Double] {
        let task = predictions.task
        let classes = task.classes.count
        guard let frameRate = predictions.frameRate, classes > 0 else {
            throw TrainingError.invalidConfig(key: "tasks", reason: "task \(task.name) is time-aligned but its predictions have no frame rate")
        }
        var result: [String: Double] = [:]
        switch task.kind {
        case .events:
            for (c, name) in task.classes.enumerated() {
                var sum = 0.0, count = 0
                for (i, (output, target)) in zip(predictions.outputs, predictions.targets).enumerated() {
                    guard let target else { continue }
                    let mask = predictions.frameMasks[i]
                    let frames = mask.count
                    let activation = (0..<frames).map { output[$0 * classes + c] }
                    let reference = (0..<frames).filter { mask[$0] > 0 && target[$0 * classes + c] >= 1 }
                        .map { Double($0) / Double(frameRate) }
                    let estimate = peaks(activation, mask: mask).map { Double($0) / Double(frameRate) }
                    let score = try EventFMeasure(reference: reference, estimate: estimate)
                    sum += score.fMeasure
                    count += 1
                }
                if count > 0 { result["\(name.lowercased())_f_measure"] = sum / Double(count) }
            }
        case .segments:
            var correct = 0, total = 0
            for (i, (output, target)) in zip(predictions.outputs, predictions.targets).enumerated() {
                guard let target else { continue }
                for (f, kept) in predictions.frameMasks[i].enumerated() where kept > 0 {
                    let row = f * classes
                    let predicted = argmax(output[row..<(row + classes)]), truth = argmax(target[row..<(row + classes)])
                    if predicted == truth { correct += 1 }
                    total += 1
                }
            }
            if total > 0 { result["frame_accuracy"] = Double(correct) / Double(total) }
        case .multiLabel, .multiClass, .regression:
            throw TrainingError.invalidConfig(key: "tasks", reason: "task \(task.name) is not time-aligned")
        }
        return result
    }

    /// Frames that are local maxima of at least 0.5 among labelled frames, at least 3 frames
    /// apart (the higher one wins).
    static func peaks(_ activation: [Float], mask: [Float]) -> [Int] {
        var result: [Int] = []
        for f in activation.indices where mask[f] > 0 && activation[f] >= 0.5 {
            let left = f > 0 ? activation[f - 1] : -1, right = f + 1 < activation.count ? activation[f + 1] : -1
            guard activation[f] >= left, activation[f] > right else { continue }
            if let last = result.last, f - last < 3 {
                if activation[f] > activation[last] { result[result.count - 1] = f }
                continue
            }
            result.append(f)
        }
        return result
    }

    static func argmax(_ values: ArraySlice<Float>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }
}
