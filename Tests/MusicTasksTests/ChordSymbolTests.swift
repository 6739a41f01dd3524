// The chord-symbol parser and the 25-class vocabulary, against mir_eval.chord.encode
// (Fixtures/chord_symbols.json, made by tools/mir_eval_fixtures.py).

import Foundation
import MusicTasks
import Testing

private struct ChordSymbolsFixture: Decodable {
    struct Encoding: Decodable {
        let label: String
        let root: Int
        let semitones: [Int]
        let bass: Int
    }
    struct Invalid: Decodable {
        let label: String
        let mir_eval_message: String
    }
    let mir_eval_version: String
    let encodings: [Encoding]
    let invalid: [Invalid]

    static func load() throws -> ChordSymbolsFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/chord_symbols.json")
        return try JSONDecoder().decode(ChordSymbolsFixture.self, from: Data(contentsOf: url))
    }
}

/// The error a throwing body raised, or nil.
private func chordError<T>(_ body: () throws(TaskError) -> T) -> TaskError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

@Suite struct ChordSymbolTests {
    @Test func encodingsEqualMirEval() throws {
        let fixture = try ChordSymbolsFixture.load()
        #expect(fixture.encodings.count > 150)
        for encoding in fixture.encodings {
            let chord = try ChordSymbol(parsing: encoding.label)
            #expect(chord.text == encoding.label)
            switch encoding.semitones {
            case [Int](repeating: -1, count: 12):
                #expect(chord.kind == .unknown && chord.root == nil && chord.bass == nil, "\(encoding.label)")
            case _ where encoding.root == -1:
                #expect(chord.kind == .noChord && chord.root == nil && chord.intervals.isEmpty, "\(encoding.label)")
            default:
                #expect(chord.kind == .chord, "\(encoding.label)")
                #expect(chord.root == encoding.root, "\(encoding.label) root")
                #expect(chord.bass == encoding.bass, "\(encoding.label) bass")
                let expected = PitchClassSet(encoding.semitones.indices.filter { encoding.semitones[$0] == 1 })
                #expect(chord.intervals == expected, "\(encoding.label): \(chord.intervals) vs mir_eval \(expected)")
            }
        }
    }

    @Test func malformedSymbolsThrowNamingTheSymbol() throws {
        let fixture = try ChordSymbolsFixture.load()
        #expect(fixture.invalid.count > 40)
        for invalid in fixture.invalid {
            let error = chordError { () throws(TaskError) in try ChordSymbol(parsing: invalid.label) }
            guard case let .invalidChord(text, reason)? = error else {
                Issue.record("\"\(invalid.label)\" was accepted; mir_eval: \(invalid.mir_eval_message)")
                continue
            }
            #expect(text == invalid.label)
            #expect(!reason.isEmpty)
            #expect(error!.description.contains("\"\(invalid.label)\""))
        }
    }

    @Test(arguments: [
        ("C:maj(3", "expected \",\" or \")\""),
        ("C:major", "unknown quality \"major\""),
        ("C:aug7", "no defined notes"),
        ("C(3)", "needs a \":\""),
        ("Cb#", "mixes flats and sharps"),
        ("C/14", "another digit"),
        ("H", "root letter"),
    ])
    func errorReasons(label: String, fragment: String) {
        let error = chordError { () throws(TaskError) in try ChordSymbol(parsing: label) }
        #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test func handCheckedContent() throws {
        let chord = try ChordSymbol(parsing: "A:min7/b7")
        #expect(chord.root == 9 && chord.quality == "min7" && chord.bass == 10)
        #expect(chord.pitchClasses == PitchClassSet([9, 0, 4, 7]))
        // Omitting the third of a minor chord; the fifth of a power chord as bass.
        #expect(try ChordSymbol(parsing: "C:min(*b3)").intervals == PitchClassSet([0, 7]))
        #expect(try ChordSymbol(parsing: "G:5/5").intervals == PitchClassSet([0, 7]))
        // A bare degree list has no quality notes; the root is always there.
        #expect(try ChordSymbol(parsing: "D:(b3)").intervals == PitchClassSet([0, 3]))
        #expect(try ChordSymbol(parsing: "D:(b3)").quality == "")
        #expect(try ChordSymbol(parsing: "E/3").quality == "maj")
        // Ninths are above the octave: C:9 sounds as C:7.
        #expect(try ChordSymbol(parsing: "C:9").intervals == ChordSymbol(parsing: "C:7").intervals)
    }

    @Test func vocabularyNamesRoundTrip() throws {
        #expect(MajorMinorChords.classNames.count == MajorMinorChords.classCount)
        for (index, name) in MajorMinorChords.classNames.enumerated() {
            #expect(try MajorMinorChords.classIndex(label: name) == index, "\(name)")
            #expect(MajorMinorChords.name(ofClass: index) == name)
            #expect(MajorMinorChords.chord(ofClass: index)?.text == name)
        }
        #expect(MajorMinorChords.classNames[0] == "C:maj" && MajorMinorChords.classNames[15] == "Eb:min")
        #expect(MajorMinorChords.classNames[24] == "N")
        #expect(MajorMinorChords.name(ofClass: 25) == nil && MajorMinorChords.name(ofClass: -1) == nil)
        #expect(MajorMinorChords.taskSpec().classes == MajorMinorChords.classNames)
    }

    @Test(arguments: [
        ("C:7", 0), ("C:maj7/3", 0), ("C/5", 0), ("C:maj6", 0), ("C:(1,3,5)", 0), ("C:maj(9)", 0),
        ("Db", 1), ("C#:min7", 13), ("A:min7/b7", 21), ("A:min/b3", 21), ("Cb", 11), ("B#:min", 12),
        ("N", 24),
    ])
    func inVocabulary(label: String, index: Int) throws {
        #expect(try MajorMinorChords.classIndex(label: label) == index)
    }

    @Test(arguments: ["X", "C:sus4", "C:sus2", "C:dim", "C:aug", "C:5", "C:1", "C:maj/2", "C:min(4)",
                      "C:(1,4)", "C:hdim7", "C:dim7", "C:maj(*5)"])
    func outsideVocabulary(label: String) throws {
        #expect(try MajorMinorChords.classIndex(label: label) == nil)
    }

    @Test func pitchClassSet() {
        let set = PitchClassSet([0, 4, 7, 12, -1])
        #expect(set.members == [0, 4, 7, 11])
        #expect(set.count == 4)
        #expect(set.transposed(by: 2).members == [1, 2, 6, 9])
        #expect(set.below(8).members == [0, 4, 7])
        #expect(set.intersection(PitchClassSet([4, 11])).members == [4, 11])
    }
}
