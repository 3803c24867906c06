import Foundation
import Testing

/// config-yaml harness: YAML with NUL bytes in a key made the error echo them raw.
@Test func aConfigErrorNeverEchoesRawControlBytes() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = Array("data:\n  threshold: 3.5\nals:\n  factors: 16\n  it".utf8) + [0, 0, 0, 0, 0]
    bytes += Array("erations: 2\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 100_000)
    let config = folder.appendingPathComponent("bad.yaml")
    try Data(bytes).write(to: config)
    let run = try runMarquee(["ingest", "--config", config.path])
    #expect(run.status != 0)
    #expect(run.stderr.contains("not valid YAML"))
    #expect(!run.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
    #expect(run.stderr.utf8.count < 2_000)
}
