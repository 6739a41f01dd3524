import MusicTasks
import Testing

/// The error a throwing body raised, or nil.
private func taskError<T>(_ body: () throws(TaskError) -> T) -> TaskError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

/// The one parser of key names: mir_eval spellings, annotation files, the 24-class index.
@Suite struct MusicalKeyTests {
    @Test(arguments: [
        ("C major", 0, MusicalKey.Mode.major),
        ("Eb minor", 3, .minor),
        ("F# minor", 6, .minor),
        ("Gb major", 6, .major),
        ("A#", 10, .major),
        ("a# MINOR", 10, .minor),
        ("Db\tMinor", 1, .minor),
        ("  B   major \t\n", 11, .major),
        ("G\tminor\r\n", 7, .minor),
        ("bb minor", 10, .minor),
        ("BB Major", 10, .major),
        ("Cb major", 11, .major),
        ("E# minor", 5, .minor),
        ("F## major", 7, .major),
        ("Abb minor", 7, .minor),
        ("C♯ min", 1, .minor),
        ("D♭ maj", 1, .major),
    ])
    func parsesSpellings(text: String, tonic: Int, mode: MusicalKey.Mode) throws {
        let key = try MusicalKey(parsing: text)
        #expect(key.tonic == tonic)
        #expect(key.mode == mode)
    }

    @Test(arguments: [
        "", "   ", "H major", "C dorian", "C major extra", "X", "x", "C other", "C#b major",
        "C### major", "1 major", "Cm", "C-major",
    ])
    func rejectsMalformedLabels(text: String) {
        let error = taskError { () throws(TaskError) in try MusicalKey(parsing: text) }
        guard case let .invalidKey(errorText, reason)? = error else {
            Issue.record("expected invalidKey for \"\(text)\", got \(String(describing: error))")
            return
        }
        #expect(errorText == text)
        #expect(!reason.isEmpty)
    }

    @Test func bareTonicCanBeRequiredToHaveAMode() throws {
        #expect(try MusicalKey(parsing: "A#", bareTonicMode: .minor) == MusicalKey(tonic: 10, mode: .minor))
        #expect(taskError { () throws(TaskError) in
            try MusicalKey(parsing: "A#", bareTonicMode: nil)
        } != nil)
    }

    @Test func annotationFiles() throws {
        #expect(try MusicalKey(annotation: "# comment\nE\tminor") == MusicalKey(tonic: 4, mode: .minor))
        #expect(try MusicalKey(annotation: "\n  # indented comment\r\nD major\r\n\n") == MusicalKey(tonic: 2, mode: .major))
        for contents in ["", "# only a comment\n", "C major\nD major\n"] {
            #expect(taskError { () throws(TaskError) in try MusicalKey(annotation: contents) } != nil)
        }
    }

    @Test func indexMapping() throws {
        #expect(MusicalKey.allKeys.count == 24)
        #expect(MusicalKey.allKeys.map(\.index) == Array(0..<24))
        #expect(try MusicalKey(parsing: "C minor").index == 12)
        #expect(try MusicalKey(parsing: "B minor").index == 23)
        #expect(try MusicalKey(parsing: "B major").index == 11)
        for key in MusicalKey.allKeys {
            #expect(try MusicalKey(index: key.index) == key)
            #expect(try MusicalKey(parsing: key.description) == key)
        }
        #expect(try MusicalKey(index: 15).description == "Eb minor")
        #expect(taskError { () throws(TaskError) in try MusicalKey(index: 24) }
            == .invalidKey(text: "index 24", reason: "a key index is in 0..<24."))
        #expect(taskError { () throws(TaskError) in try MusicalKey(tonic: 12, mode: .major) } != nil)
        #expect(taskError { () throws(TaskError) in try MusicalKey(tonic: -1, mode: .minor) } != nil)
    }

    @Test func errorDescriptionNamesTheText() {
        #expect(TaskError.invalidKey(text: "H major", reason: "bad tonic").description.contains("H major"))
    }
}
