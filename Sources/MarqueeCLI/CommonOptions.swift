import ArgumentParser
import Foundation
import Logging
import Workspace

/// Options every command takes: where the configuration, the dataset and the artefacts are, and how
/// much it says on stderr.
public struct CommonOptions: ParsableArguments {
    @Option(help: "Configuration file (default: config.yaml in the current folder, if present).",
            completion: .file(extensions: ["yaml", "yml"]))
    public var config: String?

    @Option(help: "Dataset folder (MovieLens ratings.csv / ratings.dat / u.data). Default: config data.path.",
            completion: .directory)
    public var data: String?

    @Option(name: .customLong("models-dir"),
            help: "Where artefacts are written and found, one subfolder per dataset. Default: config paths.models_dir (Indexes/).",
            completion: .directory)
    public var modelsDir: String?

    @Flag(name: .shortAndLong, help: "Say more on stderr (debug messages).")
    public var verbose = false

    @Flag(name: .shortAndLong, help: "Say only warnings and errors on stderr.")
    public var quiet = false

    public init() {}

    /// The configuration file over the defaults, with `--data` and `--models-dir` applied (not yet
    /// checked: apply the command's own flags, then call `validate()`).
    public func loadConfig() throws -> MarqueeConfig {
        TerminalLog.bootstrap(verbose: verbose, quiet: quiet)
        var config = try MarqueeConfig.load(path: config)
        config.set(\.data.path, data, flag: "--data")
        config.set(\.paths.modelsDir, modelsDir, flag: "--models-dir")
        return config
    }

    /// The dataset folder of `config`.
    public func dataDirectory(_ config: MarqueeConfig) -> URL { URL(fileURLWithPath: config.data.path) }

    /// The artefact folder of the dataset at `dataDirectory`: `<models-dir>/<dataset folder name>/`.
    public func artifactDirectory(_ config: MarqueeConfig, dataDirectory: URL) -> URL {
        URL(fileURLWithPath: config.paths.modelsDir).appendingPathComponent(dataDirectory.standardizedFileURL.lastPathComponent)
    }

    /// Checks `config` and opens the workspace of its dataset.
    /// - Throws: `ConfigError`, `DatasetError`.
    public func openWorkspace(_ config: MarqueeConfig) throws -> Workspace {
        try config.validate()
        return try Workspace.open(data: dataDirectory(config), config: config, logger: TerminalLog.logger)
    }
}
