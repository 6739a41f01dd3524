import Foundation

/// Why a reference script could not be found.
struct ReferenceScriptsError: Error, CustomStringConvertible {
    var file: String
    var looked: [String]
    /// The folder named by an option or the environment, when that is where it was missing.
    var named: String?

    var description: String {
        if let named {
            return "\(file) not found in \(named); pass --reference-dir DIR (or set \(ReferenceScripts.environmentVariable)) to a folder holding it"
        }
        return "\(file) not found (looked in \(looked.joined(separator: ", "))); pass --reference-dir DIR or set \(ReferenceScripts.environmentVariable)"
    }
}

/// Finds the project's Python reference scripts (`shared/bench`: reference_models.py,
/// decode_reference.py, …) without an absolute path: a folder named by an option, else by
/// `CRESCENDO_REFERENCE_DIR`, else `shared/bench` or `../shared/bench` from the working
/// directory or from the repository the executable was built in, else the copy of
/// reference_models.py vendored for the tests (`Tests/ModelsTests/Fixtures/reference`).
enum ReferenceScripts {
    static let environmentVariable = "CRESCENDO_REFERENCE_DIR"

    /// The folder holding `file`. A folder given by `option` or the environment must hold it;
    /// otherwise the first candidate that does.
    static func directory(holding file: String, option: String?,
                          environment: [String: String] = ProcessInfo.processInfo.environment,
                          currentDirectory: String = FileManager.default.currentDirectoryPath,
                          repository: String? = builtRepository()) throws(ReferenceScriptsError) -> String {
        if let named = option ?? environment[environmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard holds(named, file) else { throw ReferenceScriptsError(file: file, looked: [named], named: named) }
            return named
        }
        let folders = candidates(currentDirectory: currentDirectory, repository: repository)
        guard let found = folders.first(where: { holds($0, file) }) else {
            throw ReferenceScriptsError(file: file, looked: folders, named: nil)
        }
        return found
    }

    /// The script's path, or nil when it is nowhere (for optional comparisons).
    static func path(of file: String, option: String?) -> String? {
        (try? directory(holding: file, option: option)).map { $0 + "/" + file }
    }

    static func candidates(currentDirectory: String, repository: String?) -> [String] {
        var bases = [currentDirectory]
        if let repository, repository != currentDirectory { bases.append(repository) }
        var folders = bases.flatMap { [$0 + "/shared/bench", $0 + "/../shared/bench"] }
        if let repository { folders.append(repository + "/Tests/ModelsTests/Fixtures/reference") }
        return folders.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    /// The checkout whose `.build` holds the running executable (the folder with Package.swift
    /// above it), if any.
    static func builtRepository() -> String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                return folder.path
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    private static func holds(_ folder: String, _ file: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/" + file)
    }
}
