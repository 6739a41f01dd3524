import Audio
import Foundation
import Models
import Testing
import Torch
@testable import Training
import MusicTasks

@Suite("Key transposition")
struct KeyTranspositionTests {
    /// The demo's layout: 12 major keys by tonic from C, then 12 minor keys.
    static let keyNames = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"].map { "\($0) major" }
        + ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"].map { "\($0) minor" }
    static let key = TaskSpec(name: "key", kind: .multiClass, classes: keyNames)
    static let tags = TaskSpec(name: "tags", kind: .multiLabel, classes: ["a", "b", "c"])

    func batch(keyRows: [[Float]], tagRows: [[Float]], samples: Int = 4000) throws -> Batch {
        let b = keyRows.count
        var wave: [Float] = []
        for i in 0..<b { wave += (0..<samples).map { Float(sin(2 * Double.pi * 440 * Double($0 + 7 * i) / 16000)) } }
        return Batch(waveforms: try Tensor(wave, shape: [b, samples]), sampleRate: 16000,
                     targets: ["key": try Tensor(keyRows.flatMap { $0 }, shape: [b, 24]),
                               "tags": try Tensor(tagRows.flatMap { $0 }, shape: [b, 3])],
                     masks: ["key": try Tensor([Float](repeating: 1, count: b), shape: [b]),
                             "tags": try Tensor([Float](repeating: 1, count: b), shape: [b])],
                     weights: try Tensor([Float](repeating: 1, count: b), shape: [b]),
                     trackIndices: Array(0..<b), failures: [])
    }

    func oneHot(_ i: Int) -> [Float] { (0..<24).map { $0 == i ? 1 : 0 } }

    @Test("class maps move the tonic and keep the mode, whatever the class order")
    func classMaps() throws {
        let maps = try KeyTransposition(task: "key", semitones: -3...2).classMaps(for: Self.key)
        #expect(maps.keys.sorted() == [-3, -2, -1, 0, 1, 2])
        #expect(maps[0] == Array(0..<24))
        #expect(maps[2]?[0] == 2)    // C major → D major
        #expect(maps[2]?[21] == 23)  // A minor → B minor
        #expect(maps[2]?[23] == 13)  // B minor → C# minor
        #expect(maps[-3]?[2] == 11)  // D major → B major
        #expect(maps[-3]?[12] == 21) // C minor → A minor
        // Every map is a permutation.
        for map in maps.values { #expect(Set(map).count == 24) }
        // Another order of the same classes gives the same keys.
        let reversed = TaskSpec(name: "key", kind: .multiClass, classes: Self.keyNames.reversed())
        let r = try KeyTransposition(task: "key", semitones: 2...2).classMaps(for: reversed)
        #expect(reversed.classes[r[2]![reversed.classes.firstIndex(of: "A minor")!]] == "B minor")
    }

    @Test("a task that is not a key task, or lacks transposed keys, is refused with its name")
    func refusals() throws {
        let t = KeyTransposition(task: "tags")
        #expect(throws: TrainingError.self) { try t.classMaps(for: Self.tags) }
        let genre = TaskSpec(name: "genre", kind: .multiClass, classes: ["rock", "jazz"])
        let error = #expect(throws: TrainingError.self) { try KeyTransposition(task: "genre").classMaps(for: genre) }
        #expect("\(error!)".contains("rock"))
        let majors = TaskSpec(name: "key", kind: .multiClass, classes: ["C major", "D major"])
        #expect(throws: TrainingError.self) { try KeyTransposition(task: "key", semitones: 1...1).classMaps(for: majors) }
        #expect(throws: TrainingError.self) { try KeyTransposition(task: "key", semitones: -12...0).validate() }
        #expect(throws: TrainingError.self) { try KeyTransposition(task: "key", probability: 1.5).validate() }
    }

    @Test("transposed examples carry moved key labels, soft ones too; other tasks and unshifted examples stay")
    func apply() throws {
        var soft = [Float](repeating: 0, count: 24)
        soft[0] = 0.7; soft[21] = 0.2; soft[7] = 0.1  // C major, A minor, G major
        let keys = [oneHot(9), soft, oneHot(23)]
        let tags: [[Float]] = [[1, 0, 1], [0, 1, 0], [0.5, 0.2, 0.9]]
        let original = try batch(keyRows: keys, tagRows: tags)
        var moved = original
        let t = KeyTransposition(task: "key", semitones: 3...3, probability: 1)
        let shifts = try t.apply(to: &moved, spec: Self.key, random: AugmentationRandom(seed: 5))
        #expect(shifts == [3, 3, 3])
        let rows = try moved.targets["key"]!.toArray(Float.self)
        #expect(Array(rows[0..<24]) == oneHot(0))        // A major + 3 → C major
        #expect(rows[24 + 3] == 0.7)                      // C major → Eb major
        #expect(rows[24 + 12] == 0.2)                     // A minor → C minor
        #expect(rows[24 + 10] == Float(0.1))              // G major → Bb major
        #expect(abs(rows[24..<48].reduce(0, +) - 1) < 1e-6)
        #expect(Array(rows[48..<72]) == oneHot(14))       // B minor → D minor
        #expect(try moved.targets["tags"]!.toArray(Float.self) == original.targets["tags"]!.toArray(Float.self))
        let expected = try PitchShift().shift(original.waveforms, semitones: [3, 3, 3], sampleRate: 16000)
        #expect(try (moved.waveforms - expected).abs().max().item() == 0)
        #expect(try (moved.waveforms - original.waveforms).abs().max().item() > 0.1)

        var untouched = original
        let none = try KeyTransposition(task: "key", semitones: -4...4, probability: 0)
            .apply(to: &untouched, spec: Self.key, random: AugmentationRandom(seed: 5))
        #expect(none == [0, 0, 0])
        #expect(try untouched.targets["key"]!.toArray(Float.self) == original.targets["key"]!.toArray(Float.self))
        #expect(try (untouched.waveforms - original.waveforms).abs().max().item() == 0)
    }

    @Test("a whole-semitone shift moves a tone's frequency by 2^(s/12)")
    func frequency() throws {
        let n = 16000
        let tone = try Tensor((0..<n).map { Float(sin(2 * Double.pi * 440 * Double($0) / 16000)) }, shape: [1, n])
        let up = try PitchShift().shift(tone, semitones: [-5], sampleRate: 16000)
        // Zero crossings over the first 0.5 s (the shifted signal is complete there).
        let x = try up.toArray(Float.self)
        let crossings = (1..<(n / 2)).filter { (x[$0 - 1] < 0) != (x[$0] < 0) }.count
        let hz = Double(crossings) / 2 / 0.5
        #expect(abs(hz - 440 * pow(2, -5.0 / 12)) < 3)
    }

    @Test("a transposition up fills the whole crop at the new pitch: no zero padding at the end")
    func upwardFillsCrop() throws {
        let n = 16000
        let tone = try Tensor((0..<n).map { Float(sin(2 * Double.pi * 440 * Double($0) / 16000)) }, shape: [1, n])
        var batch = Batch(waveforms: tone, sampleRate: 16000, targets: ["key": try Tensor(oneHot(0), shape: [1, 24])],
                          masks: ["key": try Tensor([Float(1)], shape: [1])], weights: try Tensor([Float(1)], shape: [1]),
                          trackIndices: [0], failures: [])
        let shifts = try KeyTransposition(task: "key", semitones: 4...4, probability: 1)
            .apply(to: &batch, spec: Self.key, random: AugmentationRandom(seed: 1))
        #expect(shifts == [4])
        let x = try batch.waveforms.toArray(Float.self)
        #expect(x.count == n)
        // The last 21% (what resampling alone left as zeros for +4 semitones), 10 ms at a time.
        let tail = Int(Double(n) * (1 - pow(2, -4.0 / 12)))
        for start in stride(from: n - tail, to: n - 160, by: 160) {
            let rms = (x[start..<(start + 160)].reduce(0) { $0 + Double($1 * $1) } / 160).squareRoot()
            #expect(rms > 0.6, "RMS \(rms) at sample \(start)")
        }
        let crossings = ((n - tail + 1)..<n).filter { (x[$0 - 1] < 0) != (x[$0] < 0) }.count
        let hz = Double(crossings) / 2 / (Double(tail - 1) / 16000)
        #expect(abs(hz - 440 * pow(2, 4.0 / 12)) < 6, "the tail is at \(hz) Hz")
    }

    @Test("configuration decodes [low, high] and rejects bad ranges")
    func decoding() throws {
        let t = try JSONDecoder().decode(KeyTransposition.self, from: Data(#"{"task":"key","semitones":[-5,6],"probability":0.8}"#.utf8))
        #expect(t == KeyTransposition(task: "key", semitones: -5...6, probability: 0.8))
        let round = try JSONDecoder().decode(KeyTransposition.self, from: JSONEncoder().encode(t))
        #expect(round == t)
        #expect(throws: TrainingError.self) {
            try JSONDecoder().decode(KeyTransposition.self, from: Data(#"{"task":"key","semitones":[3,-3]}"#.utf8))
        }
    }
}
