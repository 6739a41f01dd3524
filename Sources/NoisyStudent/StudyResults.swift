import Foundation
import Models

/// The outcome of a scaling study: every cell's student, and per (pool fraction, student
/// preset) the mean and spread of each test metric over the seeds. Written as `study-results.json`
/// and `study-results.csv` in the study directory after every cell.
public struct StudyResults: Codable, Sendable, Equatable {
    /// One cell as it stands.
    public struct CellResult: Codable, Sendable, Equatable {
        public var cell: StudyCell
        public var done: Bool
        /// The cell's directory, relative to the study directory.
        public var directory: String
        public var parameters: Int?
        /// Pseudo-labeled tracks the student saw (before mixing with the labeled ones).
        public var pseudoLabeledTracks: Int
        public var trainingExamples: Int?
        public var testMetrics: [String: Double]
        public var seconds: Double?

        /// A cell's outcome; an unfinished cell has `done` false and no metrics.
        public init(cell: StudyCell, done: Bool, directory: String, parameters: Int? = nil, pseudoLabeledTracks: Int = 0,
                    trainingExamples: Int? = nil, testMetrics: [String: Double] = [:], seconds: Double? = nil) {
            self.cell = cell
            self.done = done
            self.directory = directory
            self.parameters = parameters
            self.pseudoLabeledTracks = pseudoLabeledTracks
            self.trainingExamples = trainingExamples
            self.testMetrics = testMetrics
            self.seconds = seconds
        }
    }

    /// The seeds of one (fraction, preset) pair summarised: mean and sample standard deviation
    /// (n − 1 in the denominator; 0 for a single seed) of each test metric over finished seeds.
    public struct Row: Codable, Sendable, Equatable {
        public var poolFraction: Double
        public var student: ModelPreset
        public var parameters: Int?
        public var pseudoLabeledTracks: Int
        public var seedsDone: Int
        public var seedsPlanned: Int
        public var mean: [String: Double]
        public var spread: [String: Double]
    }

    /// The teacher every student learned from, with its test metrics.
    public var teacher: StageRecord?
    /// The pseudo-labelling stage of the teacher (absent when every fraction is 0).
    public var pseudoLabels: StageRecord?
    public var poolFractions: [Double]
    public var students: [ModelPreset]
    public var seeds: [UInt64]
    public var cells: [CellResult]
    public var rows: [Row]

    /// The results of `cells`, with the rows aggregated from them.
    public init(teacher: StageRecord?, pseudoLabels: StageRecord?, poolFractions: [Double], students: [ModelPreset],
                seeds: [UInt64], cells: [CellResult]) {
        self.teacher = teacher
        self.pseudoLabels = pseudoLabels
        self.poolFractions = poolFractions
        self.students = students
        self.seeds = seeds
        self.cells = cells
        rows = Self.aggregate(cells, poolFractions: poolFractions, students: students, seeds: seeds.count)
    }

    /// Mean and spread over the finished seeds of each (fraction, preset), in axis order.
    public static func aggregate(_ cells: [CellResult], poolFractions: [Double], students: [ModelPreset], seeds: Int) -> [Row] {
        var rows: [Row] = []
        for f in poolFractions {
            for p in students {
                let members = cells.filter { $0.cell.poolFraction == f && $0.cell.student == p }
                let done = members.filter(\.done)
                var mean: [String: Double] = [:], spread: [String: Double] = [:]
                for name in Set(done.flatMap { $0.testMetrics.keys }) {
                    let values = done.compactMap { $0.testMetrics[name] }
                    let (m, s) = meanAndSpread(values)
                    mean[name] = m
                    spread[name] = s
                }
                rows.append(Row(poolFraction: f, student: p, parameters: members.compactMap(\.parameters).first,
                                pseudoLabeledTracks: members.first?.pseudoLabeledTracks ?? 0,
                                seedsDone: done.count, seedsPlanned: seeds, mean: mean, spread: spread))
            }
        }
        return rows
    }

    /// The mean and the sample standard deviation (0 for fewer than two values).
    public static func meanAndSpread(_ values: [Double]) -> (mean: Double, spread: Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (mean, variance.squareRoot())
    }

    /// Every test metric that some finished cell has, sorted.
    public var metricNames: [String] { Array(Set(cells.filter(\.done).flatMap { $0.testMetrics.keys })).sorted() }

    /// The rows as CSV: one line per (fraction, preset), a mean and a spread column per metric.
    public func csv() -> String {
        let metrics = metricNames
        var lines = [(["pool_fraction", "student", "parameters", "pseudo_labeled_tracks", "seeds_done", "seeds_planned"]
                      + metrics.flatMap { ["\($0) mean", "\($0) sd"] }).map(CSVField.escape).joined(separator: ",")]
        for r in rows {
            var fields = [String(r.poolFraction), r.student.rawValue, r.parameters.map(String.init) ?? "",
                          String(r.pseudoLabeledTracks), String(r.seedsDone), String(r.seedsPlanned)]
            for m in metrics {
                fields.append(r.mean[m].map { String($0) } ?? "")
                fields.append(r.spread[m].map { String($0) } ?? "")
            }
            lines.append(fields.map(CSVField.escape).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `study-results.json` and `study-results.csv` into `directory`, each atomically.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.jsonName), options: .atomic)
        try Data(csv().utf8).write(to: directory.appendingPathComponent(Self.csvName), options: .atomic)
    }

    /// Reads `study-results.json` from a study directory.
    public static func load(from directory: URL) throws -> StudyResults {
        let url = directory.appendingPathComponent(jsonName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PipelineError.missingStage("no \(jsonName) in \(directory.path)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(StudyResults.self, from: data)
    }

    /// File names of the table in the study directory.
    public static let jsonName = "study-results.json"
    public static let csvName = "study-results.csv"
}
