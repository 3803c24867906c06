import ArgumentParser
import Foundation

/// Options every command takes: where the config, the dataset and the artefacts are.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: config.yaml in the current folder, if present).")
    var config: String?

    @Option(name: .long, help: "Dataset folder (MovieLens ratings.csv / ratings.dat / u.data). Default: config data.path.")
    var data: String?

    @Option(name: .customLong("models-dir"), help: "Where artefacts are written and found, one subfolder per dataset. Default: config paths.models_dir (Indexes/).")
    var modelsDir: String?

    /// The configuration file merged with defaults.
    func loadConfig() throws -> MarqueeConfig {
        try MarqueeConfig.load(path: config)
    }

    /// The dataset folder to use.
    func dataDirectory(_ config: MarqueeConfig) -> URL {
        URL(fileURLWithPath: data ?? config.data.path)
    }

    /// The artefact folder for the dataset at `dataDirectory`: `<models-dir>/<dataset folder name>/`.
    func artifactDirectory(_ config: MarqueeConfig, dataDirectory: URL) -> URL {
        let root = URL(fileURLWithPath: modelsDir ?? config.paths.modelsDir)
        return root.appendingPathComponent(dataDirectory.standardizedFileURL.lastPathComponent)
    }
}

/// Prints `value` as one JSON object on stdout.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}
