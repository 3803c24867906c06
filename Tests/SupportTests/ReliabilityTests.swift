import Foundation
import Testing
@testable import Support

private func scratchFolder() -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-reliability-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Suite struct EchoTests {
    @Test func controlBytesAreEscapedAndLongInputIsCut() {
        #expect(Echo.quote("a\tb\nc\u{1B}[31m") == "a\\tb\\nc\\u{1B}[31m")
        let long = String(repeating: "x", count: 5_000_000)
        let quoted = Echo.quote(long)
        #expect(quoted.utf8.count <= Echo.defaultLimit + "…".utf8.count)
        #expect(quoted.hasSuffix("…"))
        #expect(Echo.isPrintable(quoted, limit: 300))
        #expect(!Echo.isPrintable("bell\u{07}", limit: 300))
        // A raw line of invalid UTF-8 is decoded with replacement and bounded too.
        let bytes: [UInt8] = [0xFF, 0xFE, 0x41] + [UInt8](repeating: 0x42, count: 10_000)
        let fromBytes = bytes.withUnsafeBytes { Echo.quote(bytes: $0, limit: 20) }
        #expect(fromBytes.hasPrefix("\u{FFFD}\u{FFFD}A") && fromBytes.hasSuffix("…"))
    }
}

@Suite struct TemporaryFilesTests {
    @Test func namesCarryTheWritersProcessAndParseBack() {
        let name = TemporaryFiles.name(for: "ml-latest-small.zip", kind: "partial")
        let parsed = TemporaryFiles.parse(name)
        #expect(parsed?.target == "ml-latest-small.zip" && parsed?.kind == "partial" && parsed?.pid == getpid())
        #expect(TemporaryFiles.parse(".als.model.tmp-12-34")?.target == "als.model")
        #expect(TemporaryFiles.parse("als.model") == nil)
        #expect(TemporaryFiles.parse(".als.model.bak-12-34") == nil)
    }

    @Test func sweepRemovesOnlyTheTemporariesOfDeadProcesses() throws {
        let dir = scratchFolder()
        // A process id that cannot be alive: above the kernel's limit.
        let dead: Int32 = 4_194_304 + 17
        let stale = dir.appendingPathComponent(".als.model.tmp-\(dead)-1")
        let mine = dir.appendingPathComponent(TemporaryFiles.name(for: "als.model"))
        let user = dir.appendingPathComponent("notes.txt")
        let staleFolder = dir.appendingPathComponent(".data.unpack-\(dead)-2")
        for url in [stale, mine, user] { _ = FileManager.default.createFile(atPath: url.path, contents: Data([1])) }
        try FileManager.default.createDirectory(at: staleFolder, withIntermediateDirectories: false)
        _ = FileManager.default.createFile(atPath: staleFolder.appendingPathComponent("ratings.csv").path, contents: Data([1]))
        // An old folder set aside by a swap that was cut short comes back when its target is missing.
        let aside = dir.appendingPathComponent(".export.old-\(dead)-3")
        try FileManager.default.createDirectory(at: aside, withIntermediateDirectories: false)
        let swept = Set(TemporaryFiles.sweep(dir))
        #expect(swept == [stale.lastPathComponent, staleFolder.lastPathComponent, aside.lastPathComponent])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(left == [mine.lastPathComponent, user.lastPathComponent, "export"])
    }

    @Test func atomicWritesLeaveNoTemporaryAndSweepOldOnes() throws {
        let dir = scratchFolder()
        _ = FileManager.default.createFile(atPath: dir.appendingPathComponent(".a.bin.tmp-4194321-9").path, contents: Data([0]))
        try AtomicFile.write(Data([1, 2, 3]), to: dir.appendingPathComponent("a.bin"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["a.bin"])
        #expect(TemporaryFiles.registeredPaths.allSatisfy { !$0.hasPrefix(dir.path) })
    }
}

@Suite struct AtomicDirectoryTests {
    func contents(_ url: URL) -> [String: String] {
        var result: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
            result[name] = (try? String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)) ?? "?"
        }
        return result
    }

    @Test func publishesEveryFileOrNoneAndKeepsOtherFiles() throws {
        let parent = scratchFolder()
        let folder = parent.appendingPathComponent("out")
        try AtomicDirectory.publish(to: folder) { staging in
            try "1a".write(to: staging.appendingPathComponent("a"), atomically: false, encoding: .utf8)
            try "1b".write(to: staging.appendingPathComponent("b"), atomically: false, encoding: .utf8)
        }
        #expect(contents(folder) == ["a": "1a", "b": "1b"])
        try "mine".write(to: folder.appendingPathComponent("notes"), atomically: false, encoding: .utf8)
        // A writer that fails half-way leaves the old version whole.
        struct Halfway: Error {}
        #expect(throws: Halfway.self) {
            try AtomicDirectory.publish(to: folder) { staging in
                try "2a".write(to: staging.appendingPathComponent("a"), atomically: false, encoding: .utf8)
                throw Halfway()
            }
        }
        #expect(contents(folder) == ["a": "1a", "b": "1b", "notes": "mine"])
        try AtomicDirectory.publish(to: folder) { staging in
            try "2a".write(to: staging.appendingPathComponent("a"), atomically: false, encoding: .utf8)
            try "2b".write(to: staging.appendingPathComponent("b"), atomically: false, encoding: .utf8)
        }
        #expect(contents(folder) == ["a": "2a", "b": "2b", "notes": "mine"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"])
    }

    @Test func twoWritersAtOnceEndWithOneWholeVersion() throws {
        let parent = scratchFolder()
        let folder = parent.appendingPathComponent("out")
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            try? AtomicDirectory.publish(to: folder) { staging in
                for name in ["a", "b", "c"] {
                    try "\(i)".write(to: staging.appendingPathComponent(name), atomically: false, encoding: .utf8)
                }
            }
        }
        let found = contents(folder)
        #expect(found.count == 3 && Set(found.values).count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"])
    }
}

@Suite struct MappedArtifactTests {
    /// A reader keeps its mapping (the old inode) while a writer renames a new file over the path.
    @Test func aMappedReaderSurvivesAReplacementByRename() throws {
        let url = scratchFolder().appendingPathComponent("x.bin")
        var first = ArtifactWriter(kind: "test")
        first.add("v", [Float](repeating: 1, count: 100_000))
        try first.write(to: url)
        let reader = try ArtifactReader(url: url, expectedKind: "test")
        let mapped = try reader.buffer("v", as: Float.self)
        var second = ArtifactWriter(kind: "test")
        second.add("v", [Float](repeating: 2, count: 10))
        try second.write(to: url)
        #expect(mapped.count == 100_000 && mapped.allSatisfy { $0 == 1 })
        try reader.verify("v")
        #expect(try ArtifactReader(url: url).array("v", as: Float.self) == [Float](repeating: 2, count: 10))
    }

    /// Header fields that would overflow an addition or a conversion are refused, not trapped on.
    @Test func sectionOffsetsThatOverflowAreRefused() throws {
        let url = scratchFolder().appendingPathComponent("y.bin")
        var w = ArtifactWriter(kind: "test")
        w.add("v", [Float](arrayLiteral: 1, 2))
        try w.write(to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        let entry = ArtifactFormat.headerSize
        for (offset, value) in [(40, UInt64.max), (48, UInt64(Int.max))] {
            var patched = bytes
            withUnsafeBytes(of: value.littleEndian) { for (j, b) in $0.enumerated() { patched[entry + offset + j] = b } }
            // Re-seal the table checksum so the reader gets as far as the entry.
            let sum = patched[entry..<(entry + ArtifactFormat.entrySize)].withUnsafeBytes { Checksum.hash($0) }
            withUnsafeBytes(of: sum.littleEndian) { for (j, b) in $0.enumerated() { patched[40 + j] = b } }
            try Data(patched).write(to: url)
            #expect(throws: ArtifactError.self) { _ = try ArtifactReader(url: url) }
        }
    }
}
