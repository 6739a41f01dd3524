import MusicTasks
import Testing

@Suite("Key names")
struct KeyNameTests {
    @Test("canonical names round-trip to their index (tonic + 12 × mode)")
    func canonical() {
        #expect(MusicalKey.classNames.count == 24)
        for (index, name) in MusicalKey.classNames.enumerated() {
            #expect(MusicalKey(name: name)?.index == index)
        }
        #expect(MusicalKey.classNames[0] == "C major" && MusicalKey.classNames[13] == "C# minor" && MusicalKey.classNames[23] == "B minor")
    }

    @Test("enharmonic and loose spellings", arguments: [
        ("Gb minor", "F# minor"), ("Db major", "C# major"), ("D# minor", "Eb minor"), ("A# major", "Bb major"),
        ("Cb major", "B major"), ("E# minor", "F minor"), ("B# major", "C major"), ("Fbb major", "Eb major"),
        ("f#\tMIN", "F# minor"), ("  ab  maj \n", "Ab major"), ("G♭ minor", "F# minor"), ("C♯ major", "C# major"),
    ])
    func enharmonic(input: String, expected: String) {
        #expect(MusicalKey(name: input)?.description == expected)
    }

    @Test("texts that are not keys", arguments: ["", "C", "X", "H minor", "C dorian", "C#b major", "C### minor", "C major extra", "minor"])
    func invalid(input: String) {
        #expect(MusicalKey(name: input) == nil)
    }
}
