import Audio
import Foundation
import Testing
import NN
import Torch
@testable import Models
import MusicTasks

@Suite("Key network: constant-Q input, a head that rotates with transposition, routing per task")
struct KeyNetworkTests {
    /// The demo's key classes: majors C…B, then minors, with the demo's spellings.
    static let keyNames = ["C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"].map { "\($0) major" }
        + ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"].map { "\($0) minor" }
    static let key = TaskSpec(name: "key", kind: .multiClass, classes: keyNames)
    static let instruments = TaskSpec(name: "instruments", kind: .multiLabel, classes: ["piano", "organ", "flute"])

    /// The task class of canonical key `c` (tonic + 12 × minor) moved up `k` semitones.
    static func rotated(_ canonical: Int, by k: Int) -> Int {
        ((canonical % 12 + k) % 12 + 12) % 12 + 12 * (canonical / 12)
    }

    @Test("class layout: spellings, order and errors")
    func layout() throws {
        let layout = try KeyClassLayout(classes: Self.keyNames, task: "key")
        #expect(layout.taskClass == Array(0..<24))
        let shuffled = Self.keyNames.reversed().map { $0 }
        let reversedLayout = try KeyClassLayout(classes: shuffled, task: "key")
        #expect(reversedLayout.taskClass[0] == 23)  // C major is last
        #expect(MusicalKey(name: "C# minor")?.index == 13)
        #expect(MusicalKey(name: "Cb major")?.index == 11)
        #expect(MusicalKey(name: "B# minor")?.index == 12)
        #expect(MusicalKey(name: "H major")?.index == nil)
        #expect(MusicalKey(name: "C dorian")?.index == nil)
        #expect(throws: ModelError.self) { try KeyClassLayout(classes: Array(Self.keyNames.dropLast()), task: "key") }
        var twice = Self.keyNames
        twice[1] = "B# major"  // C major again
        #expect(throws: ModelError.self) { try KeyClassLayout(classes: twice, task: "key") }
        #expect(throws: ModelError.self) { try KeyClassLayout(classes: (0..<24).map { "k\($0)" }, task: "key") }
    }

    @Test("the head's logits rotate exactly by k when its input moves up k semitones", arguments: [1, 2, 5, -3])
    func headRotation(k: Int) throws {
        // Task classes in a scrambled order: the rotation must hold in the task's own order.
        let scrambled = (0..<24).map { Self.keyNames[($0 * 5) % 24] }
        let layout = try KeyClassLayout(classes: scrambled, task: "key")
        let head = try PitchClassKeyHead(features: 4, binsPerSemitone: 3, lowestPitchClass: 0, layout: layout,
                                         generator: Generator(seed: 7))
        let bins = 3 * 12 * 5
        // Energy only away from the edges: a template reads one octave above its tonic, so the
        // lowest octave plus the shift must be silent below, and the shift above.
        let (below, above) = (3 * 12 + 18, 18)
        let inner = try Tensor.randn([2, 4, bins - below - above], generator: Generator(seed: 8))
        let x = try inner.constantPad([below, above])
        let moved = try inner.constantPad([below + 3 * k, above - 3 * k])
        let a = try head(x).toArray(Float.self)
        let b = try head(moved).toArray(Float.self)
        var largest: Float = 0
        var spread: Float = 0
        for example in 0..<2 {
            for canonical in 0..<24 {
                let from = layout.taskClass[canonical], to = layout.taskClass[Self.rotated(canonical, by: k)]
                largest = max(largest, abs(a[example * 24 + from] - b[example * 24 + to]))
                spread = max(spread, abs(a[example * 24 + from] - a[example * 24]))
            }
        }
        #expect(largest < 1e-5)
        #expect(spread > 1e-3)  // the logits are not all equal, so the check means something
    }

    @Test("the head starts its pitch classes where the input starts")
    func lowestPitchClass() throws {
        let layout = try KeyClassLayout(classes: Self.keyNames, task: "key")
        let fromC = try PitchClassKeyHead(features: 2, binsPerSemitone: 3, lowestPitchClass: 0, layout: layout,
                                          generator: Generator(seed: 3))
        let fromA = try PitchClassKeyHead(features: 2, binsPerSemitone: 3, lowestPitchClass: 9, layout: layout,
                                          generator: Generator(seed: 3))
        let x = try Tensor.randn([1, 2, 72], generator: Generator(seed: 4))
        let c = try fromC(x).toArray(Float.self), a = try fromA(x).toArray(Float.self)
        // The same input read as starting at A: every key's score moves up 9 semitones.
        for canonical in 0..<24 { #expect(abs(c[canonical] - a[Self.rotated(canonical, by: 9)]) < 1e-6) }
    }

    /// A harmonic chord C3-C4-E4-G4 (3 partials each) moved `k` semitones, 15 s: its energy
    /// stays over an octave above the bottom of the constant-Q range and well below its top, so
    /// only the constant-Q's own approximation separates a shift of the audio from a shift of bins.
    static func chord(semitones k: Int, samples: Int = KeyNetwork.defaultClipSamples) throws -> Tensor {
        var wave = [Float](repeating: 0, count: samples)
        for midi in [60, 64, 67, 48] {
            let f0 = 440 * pow(2, Double(midi + k - 69) / 12)
            for partial in 1...3 {
                let step = 2 * Double.pi * Double(partial) * f0 / 16000
                let amplitude = Float(0.05 / Double(partial))
                for t in 0..<samples { wave[t] += amplitude * Float(Foundation.sin(step * Double(t))) }
            }
        }
        return try Tensor(wave, shape: [1, samples])
    }

    @Test("a transposed chord moves the whole network's logits with it (within the constant-Q's approximation)")
    func networkRotation() throws {
        let model = try KeyNetwork(width: 8, task: Self.key, generator: Generator(seed: 11))
        model.eval()
        let base = try model(Self.chord(semitones: 0))["key"]!.toArray(Float.self)
        let spread = (base.max() ?? 0) - (base.min() ?? 0)
        #expect(spread > 1e-3)
        for k in [2, -3] {
            let moved = try model(Self.chord(semitones: k))["key"]!.toArray(Float.self)
            let error = (0..<24).map { abs(base[$0] - moved[Self.rotated($0, by: k)]) }.max() ?? 0
            // Measured: 7.5% of the spread for this untrained network. What separates a shift of
            // the audio from a shift of bins is the constant-Q's own approximation: its first and
            // last frames, where the kernels (longer for lower notes) overhang the signal.
            #expect(error < 0.1 * spread, "k \(k): error \(error), logit spread \(spread)")
        }
    }

    @Test("in training mode the input transposition shifts the constant-Q window the network reads, and only there")
    func inputTransposition() throws {
        let model = try KeyNetwork(width: 8, task: Self.key, noise: ModelNoise(dropout: 0), generator: Generator(seed: 12))
        #expect(model.transposesInput)
        let audio = try Tensor.cat([Self.chord(semitones: 0), Self.chord(semitones: -1)], dim: 0)
        let full = try model.frontend(audio)
        // What the front end's own test checks against transposed audio: the shifted window.
        let expected = try model.frontend.window(full, semitones: [2, -3])
        model.inputTransposition = [2, -3]
        let read = try model.networkInput(audio)
        model.inputTransposition = nil
        let plain = try model.networkInput(audio)
        // The input batch norm (training mode) normalises both the same way, so compare after it.
        let reference = try model.specBN(expected.unsqueeze(1))
        #expect(try (read - reference).abs().max().item() < 1e-5)
        #expect(try (read - plain).abs().max().item() > 0.1)
        // Evaluation ignores it: a teacher labels what it hears.
        model.eval()
        model.inputTransposition = [2, -3]
        let ignored = try model(audio)["key"]!.toArray(Float.self)
        model.inputTransposition = nil
        #expect(try model(audio)["key"]!.toArray(Float.self) == ignored)
    }

    @Test("front ends per task: key on a key network, instruments on the preset's ResNet")
    func routing() throws {
        let variant = ModelVariant(taskBranchBlocks: 0, frontEnds: ["key": .constantQ])
        let model = try ModelPreset.resnetXS.build(tasks: [Self.key, Self.instruments], variant: variant,
                                                   generator: Generator(seed: 2))
        let routed = try #require(model as? TaskRoutedModel)
        #expect(routed.members.map(\.name) == ["constant_q", "log_mel"])
        #expect(model.clipSamples == KeyNetwork.defaultClipSamples)
        #expect(model.transposesInput)
        let names = Set(model.stateDict().keys)
        #expect(names.contains("constant_q.head.template.weight"))
        #expect(names.contains("log_mel.dense2.weight"))
        model.eval()
        let x = try Tensor.randn([2, model.clipSamples], generator: Generator(seed: 5)) * 0.1
        let out = try model(x)
        #expect(try out["key"]?.size(1) == 24)
        #expect(try out["instruments"]?.size(1) == 3)
        let copy = try model.copy()
        copy.eval()
        #expect(try copy(x)["key"]!.toArray(Float.self) == out["key"]!.toArray(Float.self))
        // Errors name what is wrong.
        #expect(throws: ModelError.self) {
            try ModelPreset.resnetXS.build(tasks: [Self.key], variant: ModelVariant(frontEnds: ["tempo": .constantQ]))
        }
        #expect(throws: ModelError.self) {
            try ModelPreset.resnetXS.build(tasks: [Self.instruments], variant: ModelVariant(frontEnds: ["instruments": .constantQ]))
        }
    }
}
