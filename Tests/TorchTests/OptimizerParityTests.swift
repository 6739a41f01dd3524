import Foundation
import Testing
@testable import Torch

/// Optimizer trajectories over 20 steps against torch.optim (fixtures from tools/make_torch_fixtures.py).
@Suite("Optimizers match torch.optim")
struct OptimizerParityTests {
    enum Kind: String, CaseIterable, Sendable {
        case sgd, sgd_nesterov, sgd_plain, adam, adamw
    }

    func makeOptimizer(_ kind: Kind, _ params: [Tensor]) throws -> any Optimizer {
        switch kind {
        case .sgd: return try SGD(parameters: params, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-2)
        case .sgd_nesterov: return try SGD(parameters: params, learningRate: 0.05, momentum: 0.9, nesterov: true)
        case .sgd_plain: return try SGD(parameters: params, learningRate: 0.1)
        case .adam: return try Adam(parameters: params, learningRate: 1e-2, weightDecay: 1e-2)
        case .adamw: return try Adam.adamW(parameters: params, learningRate: 1e-2, beta1: 0.8, beta2: 0.99, weightDecay: 0.1)
        }
    }

    func loss(_ w: Tensor, _ b: Tensor, _ f: [String: Tensor]) throws -> Tensor {
        try (f["data.x"]!.matmul(w) + b - f["data.y"]!).square().mean()
    }

    @Test("20-step trajectory", arguments: Kind.allCases)
    func trajectory(_ kind: Kind) throws {
        let f = try Fixture.load("optim.safetensors")
        let w = try f["init.w"]!.clone().requiringGrad()
        let b = try f["init.b"]!.clone().requiringGrad()
        var optimizer = try makeOptimizer(kind, [w, b])
        for step in 1...20 {
            try optimizer.zeroGrad()
            try loss(w, b, f).backward()
            if kind == .adamw { try clipGradientNorm([w, b], maxNorm: 0.5) }
            try optimizer.step()
            try expectClose(w, f["\(kind.rawValue).step\(step).w"]!, atol: 1e-6, rtol: 1e-5, "\(kind) step \(step) w")
            try expectClose(b, f["\(kind.rawValue).step\(step).b"]!, atol: 1e-6, rtol: 1e-5, "\(kind) step \(step) b")
        }
    }

    @Test("state saved mid-run and restored gives the same trajectory", arguments: Kind.allCases)
    func resume(_ kind: Kind) throws {
        let f = try Fixture.load("optim.safetensors")
        let w = try f["init.w"]!.clone().requiringGrad()
        let b = try f["init.b"]!.clone().requiringGrad()
        var first = try makeOptimizer(kind, [w, b])
        for _ in 1...7 {
            try first.zeroGrad()
            try loss(w, b, f).backward()
            if kind == .adamw { try clipGradientNorm([w, b], maxNorm: 0.5) }
            try first.step()
        }
        // Round-trip parameters and state through a safetensors file, as a checkpoint does.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-optim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("state.safetensors")
        var saved = try first.state()
        saved["param.w"] = w
        saved["param.b"] = b
        try TensorStore.save(saved, to: url)
        let restored = try TensorStore.load(contentsOf: url)
        let w2 = try restored["param.w"]!.clone().requiringGrad()
        let b2 = try restored["param.b"]!.clone().requiringGrad()
        var second = try makeOptimizer(kind, [w2, b2])
        try second.loadState(restored)
        for step in 8...20 {
            try second.zeroGrad()
            try loss(w2, b2, f).backward()
            if kind == .adamw { try clipGradientNorm([w2, b2], maxNorm: 0.5) }
            try second.step()
            try expectClose(w2, f["\(kind.rawValue).step\(step).w"]!, atol: 1e-6, rtol: 1e-5, "\(kind) resumed step \(step)")
        }
    }

    @Test("global-norm clipping equals clip_grad_norm_")
    func clipping() throws {
        let f = try Fixture.load("optim.safetensors")
        let p1 = try Tensor.zeros([4, 4]).requiringGrad(), p2 = try Tensor.zeros([7]).requiringGrad()
        try p1.setGrad(f["clip.in.g1"]!.clone())
        try p2.setGrad(f["clip.in.g2"]!.clone())
        let total = try clipGradientNorm([p1, p2], maxNorm: 1.0)
        #expect(Swift.abs(total - (try f["clip.total_norm"]!.item())) < 1e-5)
        try expectClose(p1.grad!, f["clip.out.g1"]!, "clipped g1")
        try expectClose(p2.grad!, f["clip.out.g2"]!, "clipped g2")
        // The clipped global norm is max_norm (up to PyTorch's 1e-6 guard).
        let clipped = try (p1.grad!.square().sum() + p2.grad!.square().sum()).sqrt().item()
        #expect(Swift.abs(clipped - 1.0) < 1e-5)
    }

    @Test("StepLR schedule")
    func stepSchedule() throws {
        let f = try Fixture.load("optim.safetensors")
        let expected = try f["steplr.lrs"]!.toArray(Double.self)
        let schedule = StepSchedule(initial: 0.3, stepSize: 3, gamma: 0.5)
        for (step, lr) in expected.enumerated() {
            #expect(Swift.abs(schedule.learningRate(atStep: step) - lr) < 1e-12, "step \(step)")
        }
    }

    @Test("warm-up then cosine: linear rise, peak, half-cosine to the floor")
    func warmupCosine() {
        let s = WarmupCosineSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110, floor: 1e-5)
        #expect(Swift.abs(s.learningRate(atStep: 0) - 1e-4) < 1e-15)
        #expect(Swift.abs(s.learningRate(atStep: 9) - 1e-3) < 1e-15)
        #expect(Swift.abs(s.learningRate(atStep: 10) - 1e-3) < 1e-15)
        // Half way through the decay the rate is the mean of peak and floor.
        #expect(Swift.abs(s.learningRate(atStep: 60) - (1e-3 + 1e-5) / 2) < 1e-12)
        #expect(Swift.abs(s.learningRate(atStep: 110) - 1e-5) < 1e-15)
        #expect(Swift.abs(s.learningRate(atStep: 500) - 1e-5) < 1e-15)
        for step in 10..<110 { #expect(s.learningRate(atStep: step + 1) <= s.learningRate(atStep: step)) }
    }

    @Test("invalid hyper-parameters are rejected")
    func invalid() throws {
        let p = try Tensor.zeros([2]).requiringGrad()
        #expect(throws: TorchError.self) { try SGD(parameters: [p], learningRate: -1) }
        #expect(throws: TorchError.self) { try SGD(parameters: [p], learningRate: 0.1, nesterov: true) }
        #expect(throws: TorchError.self) { try Adam(parameters: [p], beta1: 1.0) }
        var adam = try Adam(parameters: [p])
        #expect(throws: TorchError.self) { try adam.loadState([:]) }
    }
}
