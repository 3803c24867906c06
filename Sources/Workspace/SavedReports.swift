import Foundation

/// The reports a run leaves for later readers (the server's page and `/api/v1/…`, `marquee report`),
/// under `<models-dir>/<dataset>/reports/`:
///
/// | file | written by |
/// | --- | --- |
/// | `evaluation.json` | `marquee evaluate` (its `--json` object, whatever was printed) |
/// | `simulation.json` and `simulation/` (series.csv, SVG charts) | `marquee simulate` |
/// | `report/` (index.html, report.json, figures) | `marquee report` (its default `--out`) |
///
/// Each JSON file is replaced whole (written beside, then renamed), so a reader sees the previous run or
/// the new one, never a mix.
public enum SavedReport: String, Sendable, CaseIterable {
    case evaluation
    case simulation

    /// `evaluation.json`, `simulation.json`.
    public var fileName: String { "\(rawValue).json" }
}

extension ArtifactStore {
    /// `<models-dir>/<dataset>/reports/`.
    public var reportsDirectory: URL { directory.appendingPathComponent("reports", isDirectory: true) }

    /// Where the latest `kind` report lives.
    public func reportURL(_ kind: SavedReport) -> URL { reportsDirectory.appendingPathComponent(kind.fileName) }

    /// A folder of figures that belongs to a report kind or to `marquee report`: `reports/<name>/`.
    public func reportFolder(_ name: String) -> URL { reportsDirectory.appendingPathComponent(name, isDirectory: true) }

    /// Replaces the latest `kind` report with `json` (atomically).
    public func saveReport(_ json: Data, as kind: SavedReport) throws {
        try FileManager.default.createDirectory(at: reportsDirectory, withIntermediateDirectories: true)
        try json.write(to: reportURL(kind), options: .atomic)
        logger.info("saved the \(kind.rawValue) report to \(reportURL(kind).path)")
    }

    /// The latest `kind` report, or nil when none was saved.
    public func latestReport(_ kind: SavedReport) -> Data? {
        try? Data(contentsOf: reportURL(kind))
    }
}
