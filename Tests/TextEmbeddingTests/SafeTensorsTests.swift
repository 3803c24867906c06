import Foundation
import Testing
@testable import TextEmbedding

@Suite struct SafeTensorsTests {
    func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("marquee-st-\(UUID().uuidString).safetensors")
    }

    @Test func readsShapesMetadataAndEveryFloatType() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        let half: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0x8000]  // 1, −2, 65504, 2⁻²⁴, ≈⅓, −0
        let brain: [UInt16] = [0x3F80, 0xC0A0, 0x3EAA]                          // 1, −5, 0.33203125
        try writeSafeTensors([
            "a": ("F32", [2, 3], float32Bytes([1, 2, 3, 4, 5, 6.5])),
            "h": ("F16", [6], half.flatMap { littleEndianBytes($0) }),
            "b": ("BF16", [3], brain.flatMap { littleEndianBytes($0) }),
            "d": ("F64", [2], [0.25, -1e10].flatMap { littleEndianBytes($0.bitPattern) }),
            "i": ("I64", [1], littleEndianBytes(Int64(7))),
            "s": ("F32", [], float32Bytes([42])),
        ], to: url, metadata: ["format": "pt", "note": "test"])
        let file = try SafeTensors(url: url)
        #expect(file.metadata == ["format": "pt", "note": "test"])
        #expect(file.tensors["a"]?.shape == [2, 3])
        #expect(file.tensors["a"]?.dtype == .f32)
        #expect(try file.floats("a", shape: [2, 3]) == [1, 2, 3, 4, 5, 6.5])
        #expect(try file.floats("h", shape: [6]) == [1, -2, 65504, 0x1p-24, 0.333251953125, 0])
        #expect(try file.floats("h", shape: [6])[5].sign == .minus)
        #expect(try file.floats("b", shape: [3]) == [1, -5, 0.33203125])
        #expect(try file.floats("d", shape: [2]) == [0.25, -1e10])
        #expect(try file.floats("s", shape: []) == [42])
        #expect(throws: TextEmbeddingError.unsupportedDType(path: url.path, tensor: "i", dtype: "I64")) {
            try file.floats("i", shape: [1])
        }
        #expect(throws: TextEmbeddingError.shapeMismatch(path: url.path, tensor: "a", expected: [3, 2], found: [2, 3])) {
            try file.floats("a", shape: [3, 2])
        }
        #expect(throws: TextEmbeddingError.missingTensor(path: url.path, name: "zz")) { try file.floats("zz", shape: [1]) }
    }

    @Test func halfToFloatAgreesWithFloat16OnEveryPattern() {
        #if !(os(macOS) && arch(x86_64))
        for bits in 0...UInt16.max {
            let expected = Float(Float16(bitPattern: bits))
            let found = SafeTensors.halfToFloat(bits)
            if expected.isNaN { #expect(found.isNaN) } else if found.bitPattern != expected.bitPattern {
                Issue.record("0x\(String(bits, radix: 16)): \(found) ≠ \(expected)")
                return
            }
        }
        #endif
    }

    @Test func damagedFilesAreNamed() throws {
        let url = temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try writeSafeTensors(["w": ("F32", [4, 4], float32Bytes([Double](repeating: 1, count: 16)))], to: url)
        let good = try Data(contentsOf: url)

        // Cut short: the data ends before the tensor does.
        try good.prefix(good.count - 5).write(to: url)
        #expect(throws: TextEmbeddingError.truncated(path: url.path, expectedBytes: good.count, actualBytes: good.count - 5)) {
            try SafeTensors(url: url)
        }
        // Cut inside the header.
        try good.prefix(20).write(to: url)
        let headerLength = Int(good.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(throws: TextEmbeddingError.truncated(path: url.path, expectedBytes: 8 + headerLength, actualBytes: 20)) {
            try SafeTensors(url: url)
        }
        try Data([1, 2, 3]).write(to: url)
        #expect(throws: TextEmbeddingError.truncated(path: url.path, expectedBytes: 8, actualBytes: 3)) { try SafeTensors(url: url) }

        // A header that is not JSON, or whose entries do not add up.
        func withHeader(_ header: String, data: Int = 64) throws {
            var bytes = littleEndianBytes(UInt64(header.utf8.count)) + Array(header.utf8)
            bytes += [UInt8](repeating: 0, count: data)
            try Data(bytes).write(to: url)
        }
        try withHeader("{not json")
        #expect(throws: TextEmbeddingError.self) { try SafeTensors(url: url) }
        do { _ = try SafeTensors(url: url) } catch let error as TextEmbeddingError {
            guard case .badHeader = error else { Issue.record("expected badHeader, got \(error)"); return }
        }
        try withHeader(#"{"w": {"dtype": "F32", "shape": [4, 4], "data_offsets": [0, 60]}}"#)
        #expect(throws: TextEmbeddingError.badHeader(path: url.path, reason: "tensor w: shape [4, 4] of F32 needs 64 bytes, data_offsets span 60")) {
            try SafeTensors(url: url)
        }
        try withHeader(#"{"w": {"dtype": "Q4", "shape": [4], "data_offsets": [0, 16]}}"#)
        #expect(throws: TextEmbeddingError.badHeader(path: url.path, reason: "tensor w: unknown dtype Q4")) { try SafeTensors(url: url) }
        try withHeader(#"{"w": {"dtype": "F32", "shape": [4], "data_offsets": [16, 8]}}"#)
        #expect(throws: TextEmbeddingError.badHeader(path: url.path, reason: "tensor w: data_offsets is not [begin, end]")) {
            try SafeTensors(url: url)
        }
        try withHeader("[1, 2]")
        #expect(throws: TextEmbeddingError.badHeader(path: url.path, reason: "the header is not a JSON object")) { try SafeTensors(url: url) }
        try Data(littleEndianBytes(UInt64(1) << 40)).write(to: url)
        #expect(throws: TextEmbeddingError.badHeader(path: url.path, reason: "header length 1099511627776 exceeds 100000000 bytes")) {
            try SafeTensors(url: url)
        }
        let missing = url.deletingLastPathComponent().appendingPathComponent("no-such-\(UUID().uuidString)")
        #expect(throws: TextEmbeddingError.self) { try SafeTensors(url: missing) }
    }
}
