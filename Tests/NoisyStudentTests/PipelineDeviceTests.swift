import Foundation
import Testing
import Torch
@testable import NoisyStudent
import Training

/// The pipeline's one `device` for every stage: read from YAML, refused in the trainer sections,
/// and left out of what identifies a configuration's results.
@Suite("Pipeline device")
struct PipelineDeviceTests {
    static let yaml = """
        catalog: c.sqlite
        runs_directory: runs/x
        tasks: [key]
        schedule: {teacher: resnet-xs, students: [resnet-xs]}
        """

    @Test("device is a top-level key: absent it is the CPU's, cpu and cuda:N parse, nonsense names the key")
    func key() throws {
        #expect(try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml).device == nil)
        #expect(try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml + "\ndevice: cpu").device == .cpu)
        #expect(try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: ["device=cuda:2"]).device == .cuda(2))
        do {
            _ = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml + "\ndevice: gpu")
            Issue.record("device: gpu was accepted")
        } catch let TrainingError.invalidConfig(key, reason) {
            #expect(key == "device" && reason.contains("expected cpu, cuda or cuda:N"), "\(key): \(reason)")
        }
    }

    @Test("a trainer section's own device is refused: every stage runs on the pipeline's")
    func perStageDeviceRefused() throws {
        for section in ["teacher", "student"] {
            let config = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml, overrides: ["\(section).device=cpu"])
            #expect(throws: PipelineError.invalidConfig(key: "\(section).device", reason: "the pipeline runs every stage on one device: set the top-level device (or pass --device)")) {
                try config.validate()
            }
        }
        try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml + "\ndevice: cpu").validate()
    }

    @Test("where a configuration ran does not change which results it stands for")
    func fingerprintIgnoresDevice() throws {
        let plain = try ConfigLoader.load(PipelineConfig.self, yaml: Self.yaml)
        var placed = plain
        placed.device = .cuda(0)
        #expect(try SeedResultFile.configurationFingerprint(plain) == SeedResultFile.configurationFingerprint(placed))
    }
}
