import Foundation
import Testing
@testable import Torch

/// Devices: parsing, configuration text, the availability check and what `doctor` reports.
/// Tests that need a GPU are reported as skipped where libtorch sees none.
@Suite("Devices")
struct DeviceTests {
    static let hasCUDA = Runtime.isCUDAAvailable

    @Test("a device is written as it is parsed, and a bad one is a decoding error that says what is expected")
    func codable() throws {
        for text in ["cpu", "cuda:0", "cuda:3"] {
            let device = try Device(parsing: text)
            let data = try JSONEncoder().encode([device])
            #expect(String(decoding: data, as: UTF8.self) == "[\"\(text)\"]")
            #expect(try JSONDecoder().decode([Device].self, from: data) == [device])
        }
        #expect(try Device(parsing: "CUDA") == .cuda(0))
        do {
            _ = try JSONDecoder().decode([Device].self, from: Data("[\"tpu\"]".utf8))
            Issue.record("\"tpu\" decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("tpu") && context.debugDescription.contains("cuda:N"))
        }
        #expect(throws: TorchError.self) { try Device(parsing: "cuda:-1") }
        #expect(throws: TorchError.self) { try Device(parsing: "cuda:x") }
    }

    @Test("the availability check says why a CUDA device cannot be had")
    func availabilityReasons() throws {
        try Device.cpu.checkAvailable()
        func reason(compiled: Bool, available: Bool, count: Int, index: Int = 0) -> String? {
            do {
                try Device.check(index: index, compiled: compiled, available: available, count: count, version: "9.9")
                return nil
            } catch let TorchError.deviceUnavailable(device, reason) {
                #expect(device == "cuda:\(index)")
                return reason
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(reason(compiled: false, available: false, count: 0)?.contains("built without CUDA") == true)
        #expect(reason(compiled: true, available: false, count: 0)?.contains("sees no CUDA device") == true)
        #expect(reason(compiled: true, available: true, count: 2, index: 2)?.contains("2 CUDA devices (cuda:0…cuda:1)") == true)
        #expect(reason(compiled: true, available: true, count: 2, index: 1) == nil)
        let text = TorchError.deviceUnavailable("cuda:0", reason: "r").description
        #expect(text == "device cuda:0 is not available: r")
    }

    @Test("without CUDA, asking for a CUDA device is a clear error",
          .enabled(if: !hasCUDA, "libtorch sees a CUDA device here: the refusal cannot be seen"))
    func refusedWithoutCUDA() {
        #expect(Runtime.cudaDeviceCount == 0)
        do {
            try Device.cuda(0).checkAvailable()
            Issue.record("cuda:0 was accepted without CUDA")
        } catch {
            #expect("\(error)".contains("device cuda:0 is not available"), "\(error)")
        }
    }

    @Test("NCCL is compiled in only with CUDA; Gloo always is")
    func backends() {
        #expect(DistributedBackend.gloo.isAvailable)
        #expect(!DistributedBackend.nccl.isAvailable || Runtime.isCUDACompiled)
        #expect(!Runtime.isCUDAAvailable || Runtime.isCUDACompiled)
    }

    @Test("the engine report lists the devices, CUDA and the distributed backends, in text and JSON")
    func report() throws {
        let report = try EngineReport.current()
        #expect(report.devices.first == "cpu")
        #expect(report.devices.count == 1 + report.cudaDevices)
        #expect(report.cudaAvailable == Runtime.isCUDAAvailable && report.cudaCompiled == Runtime.isCUDACompiled)
        #expect(report.distributedBackends == ["gloo": true, "nccl": DistributedBackend.nccl.isAvailable])
        for line in ["devices", "CUDA", "distributed", "gloo yes"] { #expect(report.text.contains(line), "\(report.text)") }
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        #expect(json?["devices"] as? [String] == report.devices)
        #expect((json?["distributedBackends"] as? [String: Bool])?["gloo"] == true)
        #expect(json?["cudaAvailable"] as? Bool == report.cudaAvailable)
    }

    @Test("on CUDA, tensors round-trip and a generator's dropout mask is the CPU's",
          .enabled(if: hasCUDA, "needs a CUDA device (libtorch sees none): skipped, not passed"))
    func cudaRoundTrip() throws {
        try Device.cuda(0).checkAvailable()
        let x = try Tensor.randn([4, 5], generator: Generator(seed: 1))
        let gpu = try x.to(.cuda(0))
        #expect(gpu.device == .cuda(0))
        #expect(try gpu.to(.cpu).equals(x))
        #expect(try (gpu * 2).toArray(Float.self) == (x * 2).toArray(Float.self))
        let onCPU = try x.dropout(0.5, training: true, generator: Generator(seed: 9))
        let onGPU = try gpu.dropout(0.5, training: true, generator: Generator(seed: 9))
        #expect(onGPU.device == .cuda(0))
        #expect(try onGPU.to(.cpu).equals(onCPU))
    }
}
