import Foundation
import Models
import Testing
@testable import NoisyStudent
import MusicTasks
import Training

/// Pseudo-labels against the renders' true keys, read from a file outside the catalog.
@Suite struct PoolKeyTruthTests {
    static let keys = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
    static let task = TaskSpec(name: "key", kind: .multiClass, classes: keys.map { "\($0) major" } + keys.map { "\($0) minor" })

    func onehot(_ name: String) -> [Float] {
        (0..<24).map { Self.task.classes[$0] == name ? 0.9 : 0.1 / 23 }
    }

    @Test func accuracyAndWeightedScoreAgainstTrueKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Relative paths resolve against the file's folder; an empty key is skipped.
        try "path,key,work\npool/a.wav,C major,w1\npool/b.wav,,w2\n/abs/c.wav,A minor,w3\n"
            .write(to: dir.appendingPathComponent("pool_truth.csv"), atomically: true, encoding: .utf8)
        let truth = try PoolKeyTruth.load(path: dir.appendingPathComponent("pool_truth.csv").path)
        #expect(truth.keys.count == 2)
        let paths: [Int64: String] = [1: dir.appendingPathComponent("pool/a.wav").path, 2: dir.appendingPathComponent("pool/b.wav").path,
                                      3: "/abs/c.wav"]
        func group(_ id: Int64, _ start: Double, _ key: String) -> PseudoLabelSelection.Group {
            .init(trackId: id, segment: .init(start: start, duration: 15),
                  labels: ["key": PseudoLabel(trackId: id, task: "key", probabilities: onehot(key))])
        }
        // a (C major): right, then the dominant (0.5); b has no true key; c (A minor): its relative major (0.3).
        let groups = [group(1, 0, "C major"), group(1, 15, "G major"), group(2, 0, "D major"), group(3, 0, "C major")]
        let measured = try #require(try truth.measure(groups, paths: paths, task: Self.task))
        #expect(measured.compared == 3)
        #expect(abs((measured.metrics["key/accuracy"] ?? 0) - 1.0 / 3) < 1e-9)
        #expect(abs((measured.metrics["key/weighted_score"] ?? 0) - (1 + 0.5 + 0.3) / 3) < 1e-9)
    }

    @Test func selectedExamplesCountOnceEachAndOnlyWithAKeyTarget() throws {
        let truth = PoolKeyTruth(keys: ["/p/a.wav": try MusicalKey(parsing: "C major", bareTonicMode: nil),
                                        "/p/b.wav": try MusicalKey(parsing: "A minor", bareTonicMode: nil)])
        func example(_ id: Int64, _ path: String, _ start: Double, _ target: LabelValue?) -> LabeledTrack {
            LabeledTrack(id: id, path: path, duration: 60, targets: target.map { ["key": $0] } ?? [:],
                         segment: .init(start: start, duration: 15))
        }
        let examples: [LabeledTrack] = [
            example(1, "/p/a.wav", 0, .probabilities(onehot("C major"))),
            // The same segment again (balancing duplicated it): counted once.
            example(1, "/p/a.wav", 0, .probabilities(onehot("C major"))),
            // A hard label, the dominant of the true key (0.5).
            example(1, "/p/a.wav", 15, .classIndex(Self.task.classes.firstIndex(of: "G major") ?? 0)),
            // Kept for instruments only: no key target, not counted.
            example(2, "/p/b.wav", 0, nil),
            // The relative major of A minor (0.3).
            example(2, "/p/b.wav", 15, .probabilities(onehot("C major"))),
        ]
        let measured = try #require(try truth.measure(selected: examples, task: Self.task))
        #expect(measured.compared == 3)
        #expect(abs((measured.metrics["key/accuracy"] ?? 0) - 1.0 / 3) < 1e-9)
        #expect(abs((measured.metrics["key/weighted_score"] ?? 0) - (1 + 0.5 + 0.3) / 3) < 1e-9)
    }

    @Test func aKeyThatDoesNotParseNamesFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try "path,key\na.wav,C major\nb.wav,H dorian\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try PoolKeyTruth.load(path: file.path)
            Issue.record("a bad key was accepted")
        } catch {
            #expect("\(error)".contains("\(file.path):3") && "\(error)".contains("H dorian"), "\(error)")
        }
    }
}
