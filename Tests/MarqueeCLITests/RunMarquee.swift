import Foundation

/// What a run of the `marquee` binary gave.
struct MarqueeRun {
    let status: Int32
    let stdout: String
    let stderr: String

    /// stdout parsed as one JSON object (nil when it is not exactly one).
    var json: [String: Any]? {
        guard let data = stdout.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

enum MarqueeBinaryError: Error, CustomStringConvertible {
    case notFound(looked: [String])
    var description: String {
        switch self {
        case let .notFound(looked): return "marquee binary not found (set MARQUEE_BIN; looked in \(looked.joined(separator: ", ")))"
        }
    }
}

/// A built executable of the package (`marquee`, `marquee-bench`): `$MARQUEE_BIN` (for `marquee`; its
/// folder for the others), else next to the test bundle (the build's products folder), else under the
/// package's `.build/{debug,release}/`.
func marqueeBinary(named name: String = "marquee", filePath: String = #filePath) throws -> URL {
    var candidates: [URL] = []
    if let path = ProcessInfo.processInfo.environment["MARQUEE_BIN"] {
        let url = URL(fileURLWithPath: path)
        candidates.append(name == "marquee" ? url : url.deletingLastPathComponent().appendingPathComponent(name))
    }
    var folders: [URL] = []
    let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    folders.append(argument0.deletingLastPathComponent())
    if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() { folders.append(executable.deletingLastPathComponent()) }
    folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
    // Inside an .xctest bundle (macOS): …/debug/MarqueePackageTests.xctest/Contents/MacOS/…
    for folder in folders {
        var f = folder
        for _ in 0..<4 {
            candidates.append(f.appendingPathComponent(name))
            f = f.deletingLastPathComponent()
        }
    }
    // #filePath = <root>/Tests/MarqueeCLITests/RunMarquee.swift
    let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for configuration in ["debug", "release"] {
        candidates.append(root.appendingPathComponent(".build/\(configuration)/\(name)"))
    }
    for c in candidates {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: c.path, isDirectory: &isDirectory), !isDirectory.boolValue,
           FileManager.default.isExecutableFile(atPath: c.path) {
            return c
        }
    }
    throw MarqueeBinaryError.notFound(looked: candidates.map(\.path))
}

/// Runs `marquee` (or another executable of the package, `binary`) with `arguments` in `directory`
/// (default: a fresh temporary folder, so no config.yaml is picked up by accident) and returns its exit
/// status and both outputs.
func runMarquee(_ arguments: [String], in directory: URL? = nil, binary: String = "marquee") throws -> MarqueeRun {
    let process = Process()
    process.executableURL = try marqueeBinary(named: binary)
    process.arguments = arguments
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    process.currentDirectoryURL = directory ?? scratch
    let outURL = scratch.appendingPathComponent("stdout"), errURL = scratch.appendingPathComponent("stderr")
    // Not FileManager.createFile: on Linux it writes atomically through a /tmp/TemporaryDirectory.* it leaves behind.
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try out.close(); try err.close()
    return MarqueeRun(status: process.terminationStatus,
                      stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
}

/// A fresh temporary folder, removed by the caller (`defer { try? FileManager.default.removeItem(at: dir) }`).
func makeTemporaryDirectory(_ label: String = "marquee-test") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Writes `text` to `name` in `directory`.
@discardableResult
func writeFile(_ text: String, to name: String, in directory: URL) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: false, encoding: .utf8)   // atomically leaves /tmp/TemporaryDirectory.* on Linux
    return url
}

/// `ratings.csv` of two taste groups: users 1–6 like movies 10–14, users 7–12 like 20–24 (ratings 4 or 5,
/// a few pairs left out), and each user rates the other group's first movie 2.0.
func twoTasteGroupsRatingsCSV() -> String {
    var lines = ["userId,movieId,rating,timestamp"]
    for user in 1...12 {
        let base = user <= 6 ? 10 : 20
        for movie in base..<(base + 5) where (user + movie) % 4 != 0 { lines.append("\(user),\(movie),\(4 + (user + movie) % 2),\(1000 + movie)") }
        lines.append("\(user),\(user <= 6 ? 20 : 10),2.0,999")
    }
    return lines.joined(separator: "\n") + "\n"
}
