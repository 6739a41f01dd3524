import GRDB

/// The catalog's SQLite schema, as GRDB migrations.
///
/// ```text
/// meta      (key TEXT PRIMARY KEY, value TEXT)                      -- "root", "schemaVersion"
/// track     (id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL,     -- relative to the root, or absolute
///            duration REAL, sampleRate INTEGER, channels INTEGER,   -- NULL for failed probes
///            frames INTEGER, format TEXT,
///            fileSize INTEGER NOT NULL, modifiedAt INTEGER NOT NULL, -- st_size, st_mtime in ns
///            contentHash INTEGER NOT NULL,                          -- FNV-1a 64, see ContentHash
///            status TEXT NOT NULL CHECK (status IN ('ok','failed')), error TEXT,
///            addedAt REAL NOT NULL, updatedAt REAL NOT NULL)        -- Unix time, seconds
/// task      (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL,
///            kind TEXT NOT NULL CHECK (kind IN ('multiLabel','multiClass','regression',
///                                               'events','segments')),       -- v3 adds the last two
///            classes TEXT NOT NULL)                                 -- JSON array of names
/// run       (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, config TEXT NOT NULL,   -- JSON
///            parentRunId INTEGER REFERENCES run(id), createdAt REAL NOT NULL,
///            finishedAt REAL, metrics TEXT,                         -- JSON
///            status TEXT NOT NULL CHECK (status IN ('running','finished','failed')))
/// label     (id INTEGER PRIMARY KEY, trackId → track ON DELETE CASCADE,
///            taskId → task ON DELETE CASCADE,
///            source TEXT NOT NULL CHECK (source IN ('human','pseudo')),
///            runId → run ON DELETE CASCADE,  -- NULL exactly when source = 'human'
///            form INTEGER NOT NULL, value NOT NULL,                 -- see LabelStorage
///            confidence REAL)
///            UNIQUE (trackId, taskId, source, coalesce(runId, 0))
/// splitSet  (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)
/// split     (splitSetId → splitSet ON DELETE CASCADE, trackId → track ON DELETE CASCADE,
///            name TEXT NOT NULL, PRIMARY KEY (splitSetId, trackId)) WITHOUT ROWID
/// ```
///
/// Indexes, chosen for the loader and pool queries at a million tracks:
/// - `label_key` (the unique index above): a track's label for a task and source, which
///   also serves the `NOT EXISTS` probe of the unlabeled pool;
/// - `label_by_task (taskId, source, coalesce(runId, 0))`: label distributions and counts;
/// - `label_by_run (runId)`: deleting a run's pseudo-labels, and the foreign key;
/// - `split_by_name (splitSetId, name, trackId)`: the tracks of one split in id order;
/// - `split_by_track (trackId)`: the foreign key (deleting a track);
/// - `track_by_hash (contentHash)`: duplicate detection;
/// - `run_by_parent (parentRunId)`: the foreign key and children of a run;
/// - `segmentLabel_by_confidence (runId, taskId, confidence)`: selecting a run's confident segments.
///
/// v2 adds `segmentLabel (runId, trackId, taskId, start, duration, probabilities BLOB,
/// confidence, entropy, round)`: a teacher's label of one window of a pool track.
/// v3 lets tasks be time-aligned (`events`, `segments`) and labels take the forms 4 and 5
/// (event and span lists, see ``LabelStorage``).
/// v4 adds `frameLabel (runId, trackId, taskId, path, frameRate, frameCount, confidence,
/// round)`: a teacher's frame probabilities of one pool track for a time-aligned task, kept in
/// the file `path` names (one array per track and task, not one row per frame).
enum Schema {
    /// Version written to `meta` by the latest migration.
    static let version = 4

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE track (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL UNIQUE,
                    duration REAL,
                    sampleRate INTEGER,
                    channels INTEGER,
                    frames INTEGER,
                    format TEXT,
                    fileSize INTEGER NOT NULL,
                    modifiedAt INTEGER NOT NULL,
                    contentHash INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
                    error TEXT,
                    addedAt REAL NOT NULL,
                    updatedAt REAL NOT NULL,
                    CHECK ((status = 'ok') = (error IS NULL))
                );
                CREATE INDEX track_by_hash ON track(contentHash);

                CREATE TABLE task (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('multiLabel', 'multiClass', 'regression')),
                    classes TEXT NOT NULL CHECK (json_valid(classes) AND json_type(classes) = 'array')
                );

                CREATE TABLE run (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    config TEXT NOT NULL CHECK (json_valid(config)),
                    parentRunId INTEGER REFERENCES run(id) ON DELETE RESTRICT,
                    createdAt REAL NOT NULL,
                    finishedAt REAL,
                    metrics TEXT CHECK (metrics IS NULL OR json_valid(metrics)),
                    status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed'))
                );
                CREATE INDEX run_by_parent ON run(parentRunId);

                CREATE TABLE label (
                    id INTEGER PRIMARY KEY,
                    trackId INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
                    taskId INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
                    source TEXT NOT NULL CHECK (source IN ('human', 'pseudo')),
                    runId INTEGER REFERENCES run(id) ON DELETE CASCADE,
                    form INTEGER NOT NULL CHECK (form BETWEEN 0 AND 3),
                    value NOT NULL,
                    confidence REAL,
                    CHECK ((source = 'human') = (runId IS NULL))
                );
                CREATE UNIQUE INDEX label_key ON label(trackId, taskId, source, coalesce(runId, 0));
                CREATE INDEX label_by_task ON label(taskId, source, coalesce(runId, 0));
                CREATE INDEX label_by_run ON label(runId);

                CREATE TABLE splitSet (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE
                );

                CREATE TABLE split (
                    splitSetId INTEGER NOT NULL REFERENCES splitSet(id) ON DELETE CASCADE,
                    trackId INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    PRIMARY KEY (splitSetId, trackId)
                ) WITHOUT ROWID;
                CREATE INDEX split_by_name ON split(splitSetId, name, trackId);
                CREATE INDEX split_by_track ON split(trackId);
                """)
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('schemaVersion', '1')")
        }
        // Segment-level pseudo-labels: one row per (run, track, task, segment start), the
        // probabilities as little-endian float32, the confidence (top probability, or the
        // multi-label distance from 0.5) and the normalised entropy for selection by SQL.
        migrator.registerMigration("v2-segment-labels") { db in
            try db.execute(sql: """
                CREATE TABLE segmentLabel (
                    runId INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    trackId INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
                    taskId INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
                    start REAL NOT NULL CHECK (start >= 0),
                    duration REAL NOT NULL CHECK (duration > 0),
                    probabilities BLOB NOT NULL,
                    confidence REAL NOT NULL,
                    entropy REAL NOT NULL,
                    round INTEGER NOT NULL,
                    PRIMARY KEY (runId, trackId, taskId, start)
                ) WITHOUT ROWID;
                CREATE INDEX segmentLabel_by_confidence ON segmentLabel(runId, taskId, confidence);
                """)
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('schemaVersion', '2')")
        }
        // Time-aligned tasks: the kinds `events` and `segments`, and the label forms 4 and 5.
        // SQLite cannot change a CHECK constraint, so `task` and `label` are rebuilt (the migrator
        // runs with foreign keys off and checks them before it commits).
        migrator.registerMigration("v3-time-aligned-labels") { db in
            try db.execute(sql: """
                CREATE TABLE task_v3 (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('multiLabel', 'multiClass', 'regression', 'events', 'segments')),
                    classes TEXT NOT NULL CHECK (json_valid(classes) AND json_type(classes) = 'array')
                );
                INSERT INTO task_v3 (id, name, kind, classes) SELECT id, name, kind, classes FROM task;
                DROP TABLE task;
                ALTER TABLE task_v3 RENAME TO task;

                CREATE TABLE label_v3 (
                    id INTEGER PRIMARY KEY,
                    trackId INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
                    taskId INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
                    source TEXT NOT NULL CHECK (source IN ('human', 'pseudo')),
                    runId INTEGER REFERENCES run(id) ON DELETE CASCADE,
                    form INTEGER NOT NULL CHECK (form BETWEEN 0 AND 5),
                    value NOT NULL,
                    confidence REAL,
                    CHECK ((source = 'human') = (runId IS NULL))
                );
                INSERT INTO label_v3 (id, trackId, taskId, source, runId, form, value, confidence)
                    SELECT id, trackId, taskId, source, runId, form, value, confidence FROM label;
                DROP TABLE label;
                ALTER TABLE label_v3 RENAME TO label;
                CREATE UNIQUE INDEX label_key ON label(trackId, taskId, source, coalesce(runId, 0));
                CREATE INDEX label_by_task ON label(taskId, source, coalesce(runId, 0));
                CREATE INDEX label_by_run ON label(runId);
                """)
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('schemaVersion', '3')")
        }
        // Frame-level pseudo-labels: the catalog names the file that holds a track's frames.
        migrator.registerMigration("v4-frame-labels") { db in
            try db.execute(sql: """
                CREATE TABLE frameLabel (
                    runId INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    trackId INTEGER NOT NULL REFERENCES track(id) ON DELETE CASCADE,
                    taskId INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    frameRate REAL NOT NULL CHECK (frameRate > 0),
                    frameCount INTEGER NOT NULL CHECK (frameCount >= 0),
                    confidence REAL NOT NULL,
                    round INTEGER NOT NULL,
                    PRIMARY KEY (runId, trackId, taskId)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('schemaVersion', ?)",
                           arguments: [String(version)])
        }
        return migrator
    }
}
