import MusicTasks

/// Validation metrics of time-aligned tasks on clip windows, cheap enough to run after every
/// epoch: for `events`, the clip's frames are decoded as on the test split (the bar-pointer DBN,
/// ``TimeAlignedDecoding``) and each class's events (every beat; downbeats) are scored against the
/// target's (frames whose target is 1) with the mir_eval F-measure at ±70 ms, keeping the first
/// seconds (a clip is short) — `<class>_f_measure`, the mean over examples. (Peak picking at 0.5,
/// the first version, scored 0 on music: an activation that learns the beats rises well before
/// it crosses 0.5.) for `segments`, `frame_accuracy`: the share of
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
            let roles = try TimeAlignedDecoding.eventRoles(task)
            var sums = [Double](repeating: 0, count: classes), count = 0
            for (i, (output, target)) in zip(predictions.outputs, predictions.targets).enumerated() {
                guard let target else { continue }
                let mask = predictions.frameMasks[i]
                guard case .events(let decoded) = try TimeAlignedDecoding.decode(output, task: task, frameRate: frameRate)
                else { continue }
                for (c, role) in roles.enumerated() {
                    let reference = mask.indices.filter { mask[$0] > 0 && target[$0 * classes + c] >= 1 }
                        .map { Double($0) / Double(frameRate) }
                    let estimate = decoded.filter { role == .beat || $0.isDownbeat }.map(\.time)
                    sums[c] += try EventFMeasure(reference: reference, estimate: estimate).fMeasure
                }
                count += 1
            }
            for (c, name) in task.classes.enumerated() where count > 0 {
                result["\(name.lowercased())_f_measure"] = sums[c] / Double(count)
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

    static func argmax(_ values: ArraySlice<Float>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }
}
