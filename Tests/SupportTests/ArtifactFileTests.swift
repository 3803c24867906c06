import Foundation
import Testing
@testable import Support

struct Meta: Codable, Equatable { var rows: Int; var note: String }

private func temporaryURL(_ name: String) -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-support-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name)
}

private func writeSample(to url: URL) throws {
    var w = ArtifactWriter(kind: "test", kindVersion: 3)
    try w.addMetadata(Meta(rows: 3, note: "héllo"))
    w.add("floats", [Float](arrayLiteral: 1.5, -2, 3.25))
    w.add("ids", [Int32](arrayLiteral: 7, 8, 9, 10, 11))
    w.add("offsets", [Int](arrayLiteral: 0, 100, 1 << 40))
    try w.write(to: url)
}

@Test func artifactRoundTrip() throws {
    let url = temporaryURL("a.bin")
    try writeSample(to: url)
    let r = try ArtifactReader(url: url, expectedKind: "test")
    #expect(r.kind == "test" && r.kindVersion == 3)
    #expect(try r.array("floats", as: Float.self) == [1.5, -2, 3.25])
    #expect(try r.array("ids", as: Int32.self) == [7, 8, 9, 10, 11])
    #expect(try r.array("offsets", as: Int.self) == [0, 100, 1 << 40])
    #expect(try r.metadata(Meta.self) == Meta(rows: 3, note: "héllo"))
    for info in r.sections.values { #expect(info.offset % 64 == 0) }
    #expect(throws: ArtifactError.self) { _ = try r.buffer("ids", as: Float.self) }
    #expect(throws: ArtifactError.self) { _ = try r.buffer("nope", as: Float.self) }
}

@Test func artifactWrongKindIsRefused() throws {
    let url = temporaryURL("a.bin")
    try writeSample(to: url)
    #expect(throws: ArtifactError.wrongKind(path: url.path, expected: "als", found: "test")) {
        _ = try ArtifactReader(url: url, expectedKind: "als")
    }
}

@Test func artifactTruncatedIsRefused() throws {
    let url = temporaryURL("a.bin")
    try writeSample(to: url)
    let data = try Data(contentsOf: url)
    try data.prefix(data.count - 10).write(to: url)
    #expect(throws: ArtifactError.self) { _ = try ArtifactReader(url: url) }
    try data.prefix(20).write(to: url)
    #expect(throws: ArtifactError.self) { _ = try ArtifactReader(url: url) }
}

@Test func artifactAlteredByteIsRefused() throws {
    let url = temporaryURL("a.bin")
    try writeSample(to: url)
    var data = try Data(contentsOf: url)
    let r = try ArtifactReader(url: url)
    let off = r.sections["floats"]!.offset
    data[off + 1] ^= 0x40
    try data.write(to: url)
    #expect(throws: ArtifactError.corrupted(path: url.path, section: "floats")) { _ = try ArtifactReader(url: url) }
}

@Test func artifactWrongVersionAndMagicAreRefused() throws {
    let url = temporaryURL("a.bin")
    try writeSample(to: url)
    var data = try Data(contentsOf: url)
    data[8] = 99
    try data.write(to: url)
    #expect(throws: ArtifactError.unsupportedVersion(path: url.path, found: 99, supported: ArtifactFormat.version)) { _ = try ArtifactReader(url: url) }
    data[0] = UInt8(ascii: "X")
    try data.write(to: url)
    #expect(throws: ArtifactError.notAnArtifact(path: url.path)) { _ = try ArtifactReader(url: url) }
}

@Test func atomicWriteLeavesOldFileOnFailure() throws {
    let url = temporaryURL("keep.txt")
    try AtomicFile.write(Data("good".utf8), to: url)
    struct Boom: Error {}
    #expect(throws: (any Error).self) {
        try AtomicFile.write(to: url) { h in
            try h.write(contentsOf: Data("half".utf8))
            throw Boom()
        }
    }
    #expect(try String(contentsOf: url, encoding: .utf8) == "good")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
    #expect(leftovers == ["keep.txt"])
}

@Test func checksumDetectsChangesAndIsStable() {
    let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    let h1 = bytes.withUnsafeBytes { Checksum.hash($0) }
    var changed = bytes
    changed[517] ^= 1
    let h2 = changed.withUnsafeBytes { Checksum.hash($0) }
    #expect(h1 != h2)
    #expect(h1 == bytes.withUnsafeBytes { Checksum.hash($0) })
    // Long inputs take the 128-byte-block path: a flip anywhere, including the block tail, must show.
    let long = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 7) }
    let hl = long.withUnsafeBytes { Checksum.hash($0) }
    for position in [0, 63, 64, 127, 128, 50_000, 99_999] {
        var flipped = long
        flipped[position] ^= 0x01
        #expect(flipped.withUnsafeBytes { Checksum.hash($0) } != hl)
    }
    var swapped = long
    swapped.swapAt(10, 20)
    #expect(swapped.withUnsafeBytes { Checksum.hash($0) } != hl)
    for n in [0, 1, 7, 8, 31, 32, 33, 127, 128, 129, 255, 256, 257] {
        let a = Array(bytes.prefix(n)), b = Array(bytes.prefix(n + 1))
        #expect(a.withUnsafeBytes { Checksum.hash($0) } != b.withUnsafeBytes { Checksum.hash($0) })
    }
}

@Test func seededGeneratorIsReproducible() {
    var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7), c = SeededGenerator(seed: 8)
    let xa = (0..<10).map { _ in a.next() }, xb = (0..<10).map { _ in b.next() }, xc = (0..<10).map { _ in c.next() }
    #expect(xa == xb && xa != xc)
    var g = SeededGenerator(seed: 1)
    var counts = [Int](repeating: 0, count: 10)
    for _ in 0..<100_000 { counts[g.nextInt(below: 10)] += 1 }
    #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    let f = (0..<1000).map { _ in g.nextFloat() }
    #expect(f.allSatisfy { $0 >= 0 && $0 < 1 })
}
