import Foundation

/// Finds checkpoints given a run directory or a file.
public enum RunLocation {
    public static func checkpoint(_ location: String) throws -> URL {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory) else {
            throw TrainingError.checkpoint(path: location, reason: "no such run directory or checkpoint")
        }
        guard isDirectory.boolValue else { return URL(fileURLWithPath: location) }
        for candidate in ["checkpoints/best.safetensors", "checkpoints/latest.safetensors"] {
            let url = URL(fileURLWithPath: location).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw TrainingError.checkpoint(path: location, reason: "the run has no checkpoint (checkpoints/best.safetensors)")
    }
}
