import Foundation
import Testing
import NN
import Torch
@testable import Models

/// The key network against its PyTorch reference (tools/key_reference.py, which also makes the
/// fixture: `bash tools/python-tools.sh tools/key_reference.py --write-fixture`). The reference
/// builds its constant-Q kernels from a port of ConstantQKernels, so the two agree to float32
/// rounding; a change to the front end, the convolution stack or the head shows here.
@Suite("Key network matches its PyTorch reference")
struct KeyNetworkParityTests {
    @Test("reference weights load by name (strict) and give the same features and logits")
    func referenceWeights() throws {
        let file = try TensorStore.load(contentsOf: ModelParityTests.fixtures.appendingPathComponent("keynet-parity.safetensors"))
        var state: [String: Tensor] = [:]
        for (k, v) in file where k.hasPrefix("state.") { state[String(k.dropFirst(6))] = v }
        let model = try KeyNetwork(width: 8, task: KeyNetworkTests.key)
        try model.load(stateDict: state, strict: true)
        model.eval()
        let x = try ModelParityTests.parityInput(batch: 2, samples: KeyNetwork.defaultClipSamples)
        let (features, logits) = try withNoGrad { (try model.features(x), try model(x)["key"]!) }
        let expectedFeatures = try #require(file["features"])
        let expectedLogits = try #require(file["logits"])
        #expect(features.shape == expectedFeatures.shape)
        let scale = try expectedFeatures.abs().max().item()
        let featureDiff = try (features - expectedFeatures).abs().max().item()
        #expect(featureDiff < 1e-4 * max(scale, 1), "max |feature difference| \(featureDiff) (largest feature \(scale))")
        let logitDiff = try (logits - expectedLogits).abs().max().item()
        let spread = try (expectedLogits.max() - expectedLogits.min()).item()
        #expect(spread > 1e-2)  // the logits differ between keys, so agreement means something
        #expect(logitDiff < 1e-5, "max |logit difference| \(logitDiff) (spread \(spread))")
    }
}
