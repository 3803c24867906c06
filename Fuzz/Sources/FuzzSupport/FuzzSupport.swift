import Foundation
import FuzzDriver
import Support

/// What every harness shares: a private scratch folder, writing the input to a file (Marquee's readers
/// map files), checking that an error is fit to show a person, and re-sealing artefact checksums so that
/// mutations reach the loaders' own checks instead of stopping at the checksum.
public enum FuzzInput {
    /// A folder of this process's own (in /dev/shm when there is one: no disk traffic per input).
    public static let folder: URL = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let url = URL(fileURLWithPath: base).appendingPathComponent("marquee-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A sub-folder of `folder`, created once.
    public static func directory(_ name: String) -> URL {
        let url = folder.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to `url`, replacing what was there.
    public static func write(_ bytes: UnsafeRawBufferPointer, to url: URL) {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot write \(url.path)")
        var done = 0
        while done < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            precondition(n > 0, "short write to \(url.path)")
            done += n
        }
        close(fd)
    }

    /// Writes `text` to `url` (for the fixed companion files of a dataset folder).
    public static func write(_ text: String, to url: URL) {
        var copy = text
        copy.withUTF8 { write(UnsafeRawBufferPointer($0), to: url) }
    }

    /// Writes the fuzzer's input to `name` in `directory`.
    @discardableResult
    public static func write(_ data: UnsafePointer<UInt8>, _ size: Int, named name: String, in directory: URL) -> URL {
        let url = directory.appendingPathComponent(name)
        write(UnsafeRawBufferPointer(start: data, count: size), to: url)
        return url
    }

    /// The longest error message a harness accepts (a path, a bounded echo of the input, the text).
    public static let messageLimit = 1_000

    /// Traps unless `error`'s message is bounded and free of raw control characters.
    public static func check(_ error: Error) {
        let text = "\(error)"
        if !Echo.isPrintable(text, limit: messageLimit) {
            let shown = Echo.quote(text, limit: 600)
            fatalError("error message not fit to print (\(text.utf8.count) bytes): \(shown)")
        }
    }

    /// `bytes` with the artefact header's length, table checksum and every in-range section checksum
    /// recomputed, when they look like an artefact at all; otherwise unchanged.
    public static func resealed(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = Array(bytes)
        let header = ArtifactFormat.headerSize, entry = ArtifactFormat.entrySize
        guard out.count >= header, Array(out[0..<8]) == ArtifactFormat.magic else { return out }
        out.withUnsafeMutableBytes { raw in
            let size = raw.count
            raw.storeBytes(of: UInt64(size).littleEndian, toByteOffset: 48, as: UInt64.self)
            let count = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 32, as: UInt32.self)))
            guard count <= (size - header) / entry else { return }
            for i in 0..<count {
                let base = header + i * entry
                let offset = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 40, as: UInt64.self))
                let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 48, as: UInt64.self))
                guard offset <= UInt64(size), length <= UInt64(size) - offset else { continue }
                let section = UnsafeRawBufferPointer(rebasing: raw[Int(offset)..<Int(offset + length)])
                raw.storeBytes(of: Checksum.hash(section).littleEndian, toByteOffset: base + 56, as: UInt64.self)
            }
            let table = UnsafeRawBufferPointer(rebasing: raw[header..<(header + count * entry)])
            raw.storeBytes(of: Checksum.hash(table).littleEndian, toByteOffset: 40, as: UInt64.self)
        }
        return out
    }

    /// Writes the input twice, as it is (`name`) and re-sealed (`sealed-name`), and returns both URLs.
    public static func writeArtifact(_ data: UnsafePointer<UInt8>, _ size: Int, named name: String) -> [URL] {
        let directory = directory("artifact")
        let raw = write(data, size, named: name, in: directory)
        let sealed = directory.appendingPathComponent("sealed-" + name)
        resealed(UnsafeRawBufferPointer(start: data, count: size)).withUnsafeBytes { write($0, to: sealed) }
        return [raw, sealed]
    }

    /// Runs libFuzzer with `test` as the test function (from a harness's entry point).
    public static func run(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        marquee_fuzz_run(argc, argv, test)
    }
}
