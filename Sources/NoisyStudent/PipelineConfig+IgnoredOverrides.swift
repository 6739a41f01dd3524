import Foundation

extension PipelineConfig {
    /// Why each of `overrides` (`key.path=value`, as given to `--set`) would change nothing in
    /// this configuration, so that a run is never taken for the changed one: the students'
    /// epochs are the schedule's where `schedule.student_epochs` names every round's, and the
    /// budget rule applies only where it does not. Empty when every override takes effect.
    public func ignoredOverrides(_ overrides: [String]) -> [String] {
        let fixed = schedule.studentEpochs.map { $0.count >= schedule.rounds } ?? false
        let epochs = schedule.studentEpochs.map { "[\($0.map(String.init).joined(separator: ", "))]" } ?? ""
        return overrides.compactMap { override -> String? in
            let key = override.split(separator: "=", maxSplits: 1).first.map(String.init) ?? override
            switch key {
            case "student.epochs" where fixed:
                return "--set \(override) changes nothing: schedule.student_epochs \(epochs) gives every round's epochs "
                    + "(set schedule.student_epochs=[…] instead)"
            case "schedule.budget_exponent" where schedule.studentEpochs != nil:
                return "--set \(override) changes nothing: the budget rule applies only without schedule.student_epochs \(epochs)"
            default:
                return nil
            }
        }
    }
}
