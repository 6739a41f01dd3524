extension TaskRoutedModel {
    /// Grows each member into the target's member of the same name (the key network into the
    /// wider key network, the ResNet into the wider ResNet).
    func grow(into target: TaskRoutedModel, widening: LayerWidening) throws {
        guard target.members.map(\.name) == members.map(\.name), target.tasks == tasks else {
            throw ModelGrowthError.differentArchitecture("the routed members differ (\(members.map(\.name)) and \(target.members.map(\.name)))")
        }
        for (member, targetMember) in zip(members, target.members) {
            try ModelGrowth.grow(member.model, into: targetMember.model, widening: widening)
        }
    }
}
