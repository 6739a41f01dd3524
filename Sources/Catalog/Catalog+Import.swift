import Audio
import Foundation
import GRDB
import MusicTasks

extension Catalog {
    /// Imports the files of a plan: incremental, idempotent, all-or-nothing.
    ///
    /// For each entry, in order:
    /// 1. A path already named by an earlier entry is reported as a duplicate row.
    /// 2. A file that does not exist is reported as missing; nothing is recorded.
    /// 3. A catalogued file with the same size and modification time is **unchanged**: its
    ///    row is not touched (not even `updatedAt`). One whose content hash is also the same
    ///    (it was only touched) is unchanged too; only its recorded modification time moves.
    /// 4. Other files are hashed (``ContentHash``) and probed, `maxConcurrency` at a time. A
    ///    new file whose hash equals a catalogued track's is skipped as a duplicate (unless
    ///    ``ImportOptions/skipContentDuplicates`` is off). A probe failure is recorded as a
    ///    track with status `failed` and the error's message.
    /// 5. For tracks that are `ok` (new, updated or unchanged), the entry's labels are
    ///    written as human labels (replacing different ones, leaving the rest) and its split
    ///    is assigned. Labels of tasks the entry does not mention are kept.
    ///
    /// All writes (tasks, tracks, labels, splits) happen in one transaction after the files
    /// have been examined, so an error leaves the catalog as it was.
    ///
    /// - Returns: The plan's report, completed with what happened to each file.
    /// - Throws: ``CatalogError/invalidTask(name:reason:)``,
    ///   ``CatalogError/taskConflict(name:existing:requested:)``,
    ///   ``CatalogError/invalidSplit(name:reason:)``,
    ///   ``CatalogError/invalidLabel(task:trackId:reason:)`` (an entry's label does not fit
    ///   its task: a bug in the importer), ``CatalogError/database(path:operation:message:)``.
    public func importTracks(_ plan: ImportPlan, prober: any AudioProber = AudioFileProber(),
                             options: ImportOptions = ImportOptions()) async throws(CatalogError) -> ImportReport {
        guard options.maxConcurrency >= 1 else {
            throw .invalidArgument("maxConcurrency must be at least 1, not \(options.maxConcurrency)")
        }
        // Check everything that can be checked before touching files.
        try SplitTable.checkName(plan.splitSet)
        var specs: [String: TaskSpec] = [:]
        for spec in plan.tasks {
            try spec.validateForCatalog()
            if let other = specs[spec.name], other != spec {
                throw .taskConflict(name: spec.name, existing: other.description, requested: spec.description)
            }
            specs[spec.name] = spec
        }
        let catalogTasks = try tasks()
        for task in catalogTasks {
            if let spec = specs[task.name], spec != task.spec {
                throw .taskConflict(name: task.name, existing: task.spec.description, requested: spec.description)
            }
            specs[task.name] = task.spec
        }
        for entry in plan.entries {
            if let split = entry.split { try SplitTable.checkName(split) }
            for (name, value) in entry.labels {
                guard let spec = specs[name] else { throw .unknownTask(name) }
                try value.validateForCatalog(spec)
            }
        }

        var report = plan.report
        let work = try selectWork(plan.entries, report: &report)
        let outcomes = await examine(work, prober: prober, options: options)
        let planSplitSet = plan.splitSet
        let planTasks = plan.tasks
        let skipDuplicates = options.skipContentDuplicates
        let written = try await writeAsync("importing \(work.count) files") { db in
            try Self.record(work: work, outcomes: outcomes, tasks: planTasks, splitSet: planSplitSet,
                            skipDuplicates: skipDuplicates, catalog: self, in: db)
        }
        report.merge(written)
        return report
    }

    /// The catalogued state of one file.
    struct ExistingTrack: Sendable {
        var id: Int64
        var fileSize: Int64
        var modifiedAt: Int64
        var contentHash: UInt64
        var status: TrackStatus
    }

    /// One file to examine.
    struct FileWork: Sendable {
        var entry: ImportEntry
        var storedPath: String
        var absolutePath: String
        var existing: ExistingTrack?
    }

    /// What examining a file found.
    enum FileOutcome: Sendable {
        case missing
        case inaccessible(String)
        case unchanged
        case touched(modifiedAt: Int64)
        case examined(TrackMetadata)
    }

    /// Drops duplicate rows and reads the catalogued state of each remaining file.
    private func selectWork(_ entries: [ImportEntry], report: inout ImportReport) throws(CatalogError) -> [FileWork] {
        var firstSeen: [String: SourceLocation?] = [:]
        var work: [FileWork] = []
        for entry in entries {
            let stored = storedPath(for: entry.path)
            if let earlier = firstSeen[stored] {
                let location = entry.origin ?? SourceLocation(file: "import")
                let previous = earlier.map { " (first named at \($0))" } ?? ""
                report.duplicateRows.append(.init(file: location.file, line: location.line, key: entry.path,
                                                  message: "names the same audio file as an earlier row\(previous); ignored"))
                continue
            }
            firstSeen[stored] = .some(entry.origin)
            work.append(FileWork(entry: entry, storedPath: stored, absolutePath: absolutePath(forStored: stored), existing: nil))
        }
        return try read("reading catalogued files") { db in
            let statement = try db.cachedStatement(sql: "SELECT id, fileSize, modifiedAt, contentHash, status FROM track WHERE path = ?")
            for index in work.indices {
                guard let row = try Row.fetchOne(statement, arguments: [work[index].storedPath]) else { continue }
                let hash: Int64 = row[3]
                work[index].existing = ExistingTrack(id: row[0], fileSize: row[1], modifiedAt: row[2],
                                                     contentHash: UInt64(bitPattern: hash),
                                                     status: TrackStatus(rawValue: row[4]) ?? .failed)
            }
            return work
        }
    }

    /// Stats, hashes and probes the files, `maxConcurrency` at a time; outcomes in input order.
    private func examine(_ work: [FileWork], prober: any AudioProber, options: ImportOptions) async -> [FileOutcome] {
        var outcomes = [FileOutcome](repeating: .missing, count: work.count)
        await withTaskGroup(of: (Int, FileOutcome).self) { group in
            var next = 0
            func submit() {
                let index = next
                let item = work[index]
                next += 1
                group.addTask { (index, Self.examine(item, prober: prober, options: options)) }
            }
            while next < min(options.maxConcurrency, work.count) { submit() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                if next < work.count { submit() }
            }
        }
        return outcomes
    }

    private static func examine(_ item: FileWork, prober: any AudioProber, options: ImportOptions) -> FileOutcome {
        let path = item.absolutePath
        let status: (size: Int64, modifiedAt: Int64)
        do {
            status = try FileStatus.of(path: path)
        } catch {
            return error.isMissing ? .missing : .inaccessible(error.message)
        }
        if let existing = item.existing, existing.fileSize == status.size, existing.modifiedAt == status.modifiedAt,
           !(options.retryFailed && existing.status == .failed) {
            return .unchanged
        }
        let facts: FileFacts
        do {
            facts = try ContentHash.of(path: path)
        } catch {
            return error.isMissing ? .missing : .inaccessible(error.message)
        }
        if let existing = item.existing, existing.contentHash == facts.contentHash, existing.fileSize == facts.size,
           existing.status == .ok {
            return .touched(modifiedAt: facts.modifiedAt)
        }
        guard options.probe else {
            return .examined(TrackMetadata(path: item.storedPath, duration: item.entry.durationHint, sampleRate: nil,
                                           channels: nil, fileSize: facts.size, modifiedAt: facts.modifiedAt,
                                           contentHash: facts.contentHash))
        }
        do {
            let info = try prober.probe(path)
            return .examined(TrackMetadata(path: item.storedPath, duration: info.duration, sampleRate: info.sampleRate,
                                           channels: info.channels, frames: info.frames, format: info.format.description,
                                           fileSize: facts.size, modifiedAt: facts.modifiedAt, contentHash: facts.contentHash))
        } catch {
            return .examined(TrackMetadata(path: item.storedPath, duration: nil, sampleRate: nil, channels: nil,
                                           fileSize: facts.size, modifiedAt: facts.modifiedAt,
                                           contentHash: facts.contentHash, status: .failed, error: error.description))
        }
    }

    /// Writes the outcome of an import; runs inside one transaction.
    private static func record(work: [FileWork], outcomes: [FileOutcome], tasks: [TaskSpec], splitSet: String,
                               skipDuplicates: Bool, catalog: Catalog, in db: Database) throws -> ImportReport {
        var report = ImportReport()
        var taskByName: [String: CatalogTask] = [:]
        for spec in tasks {
            taskByName[spec.name] = try TaskTable.ensure(spec, in: db)
        }
        var splitSetId: Int64?
        var hashesInBatch: [UInt64: String] = [:]
        let now = Date().timeIntervalSince1970
        let trackWriter = try TrackTable.Writer(db)
        let labelWriter = try LabelTable.Writer(db)
        let splitWriter = try SplitTable.Writer(db)
        let duplicateStatement = try db.cachedStatement(sql: "SELECT path FROM track WHERE contentHash = ? AND path != ? LIMIT 1")

        for (item, outcome) in zip(work, outcomes) {
            let trackId: Int64
            switch outcome {
            case .missing:
                report.missingFiles.append(item.absolutePath)
                continue
            case .inaccessible(let message):
                report.failedProbes.append(.init(path: item.absolutePath, message: message))
                continue
            case .unchanged, .touched:
                guard let existing = item.existing else { continue }
                report.unchanged += 1
                if case .touched(let modifiedAt) = outcome {
                    try trackWriter.touch(id: existing.id, modifiedAt: modifiedAt)
                }
                guard existing.status == .ok else { continue }
                trackId = existing.id
            case .examined(let metadata):
                if metadata.status == .failed {
                    report.failedProbes.append(.init(path: item.absolutePath, message: metadata.error ?? "probe failed"))
                    _ = try trackWriter.upsert(metadata, storedPath: item.storedPath, now: now)
                    if item.existing != nil { report.updated += 1 }
                    continue
                }
                if item.existing == nil, skipDuplicates {
                    if let earlier = hashesInBatch[metadata.contentHash] {
                        report.skippedDuplicates.append(.init(path: item.absolutePath, duplicateOf: earlier))
                        continue
                    }
                    let hash = Int64(bitPattern: metadata.contentHash)
                    if let other = try String.fetchOne(duplicateStatement, arguments: [hash, item.storedPath]) {
                        report.skippedDuplicates.append(.init(path: item.absolutePath,
                                                              duplicateOf: catalog.absolutePath(forStored: other)))
                        continue
                    }
                    hashesInBatch[metadata.contentHash] = item.absolutePath
                }
                trackId = try trackWriter.upsert(metadata, storedPath: item.storedPath, now: now)
                if item.existing == nil { report.imported += 1 } else { report.updated += 1 }
            }

            for name in item.entry.labels.keys.sorted() {
                guard let value = item.entry.labels[name] else { continue }
                let task: CatalogTask
                if let cached = taskByName[name] {
                    task = cached
                } else {
                    task = try TaskTable.fetchRequired(named: name, in: db)
                    taskByName[name] = task
                }
                report.labels.add(try labelWriter.upsert(trackId: trackId, task: task, value: value, confidence: nil,
                                                         source: .human))
            }
            if let split = item.entry.split {
                let setId: Int64
                if let known = splitSetId {
                    setId = known
                } else {
                    setId = try SplitTable.ensureSet(named: splitSet, in: db)
                    splitSetId = setId
                }
                if try splitWriter.assign(trackId: trackId, setId: setId, split: split) {
                    report.splitAssignments += 1
                }
            }
        }
        return report
    }
}
