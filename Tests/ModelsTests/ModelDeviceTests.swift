import Foundation
import NN
import Testing
import Torch
@testable import Models
import MusicTasks

/// Models are built on a device and run there; full-track inference moves chunks to it and
/// brings outputs back. The CUDA tests are reported as skipped where libtorch sees no GPU.
@Suite("Models on a device")
struct ModelDeviceTests {
    static let key = KeyNetworkTests.key
    static let instruments = KeyNetworkTests.instruments
    static let beats = TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"])

    /// One of each architecture: short-chunk ResNet (with a key network routed beside it, and a
    /// temporal network for beats) and the transformer.
    static func models(on device: Device) throws -> [any AudioModel] {
        [
            try ModelPreset.resnetXS.build(tasks: [key, instruments, beats],
                                           variant: ModelVariant(frontEnds: ["key": .constantQ]),
                                           device: device, generator: Generator(seed: 3)),
            try ModelPreset.mttXS.build(tasks: [instruments], device: device, generator: Generator(seed: 3)),
        ]
    }

    @Test("a model built on the CPU is there, whole, and its predictor runs there")
    func cpu() throws {
        for model in try Self.models(on: .cpu) {
            #expect(model.device == .cpu)
            #expect(model.parameters().allSatisfy { $0.device == .cpu })
            #expect(try FullTrackPredictor(model: model).device == .cpu)
            #expect(try model.copy().device == .cpu)
        }
    }

    @Test("inference optimizations only the CPU has are adapted to a CUDA device")
    func optimizationsSuited() {
        let standard = InferenceOptimizations.standard
        #expect(standard.suited(to: .cpu) == standard)
        #expect(standard.suited(to: .cuda(0)).layout == .channelsLast)
        #expect(standard.suited(to: .cuda(0)).foldBatchNorm && standard.suited(to: .cuda(0)).precision == .float32)
        #expect(InferenceOptimizations.none.suited(to: .cuda(1)) == .none)
    }

    @Test("on CUDA, a model has the CPU's weights for a seed and predicts what the CPU model predicts",
          .enabled(if: Runtime.isCUDAAvailable, "needs a CUDA device (libtorch sees none): skipped, not passed"))
    func cuda() throws {
        let samples = (0..<90_000).map { Float(0.3 * sin(2 * Double.pi * 440 * Double($0) / 16_000)) }
        for (cpu, gpu) in zip(try Self.models(on: .cpu), try Self.models(on: .cuda(0))) {
            #expect(gpu.device == .cuda(0))
            #expect(gpu.parameters().allSatisfy { $0.device == .cuda(0) })
            let mine = gpu.stateDict(), theirs = cpu.stateDict()
            for (name, tensor) in theirs { #expect(try mine[name]?.to(.cpu).equals(tensor) == true, "\(name)") }
            for optimizations in [nil, InferenceOptimizations.standard] {
                let a = try FullTrackPredictor(model: cpu, optimizations: optimizations).predict(samples: samples)
                let predictor = try FullTrackPredictor(model: gpu, optimizations: optimizations)
                #expect(predictor.device == .cuda(0))
                let b = try predictor.predict(samples: samples)
                for (task, values) in a.values {
                    let other = try #require(b.values[task])
                    for (x, y) in zip(values, other) { #expect(abs(x - y) < 2e-3, "\(task): \(values) vs \(other)") }
                }
            }
        }
    }
}
