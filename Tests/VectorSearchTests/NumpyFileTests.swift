import Foundation
import Testing
@testable import VectorSearch

@Test func npyRoundTripAndNumpyCompatibleHeader() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
    let url = dir.appendingPathComponent("m.npy")
    let m = Matrix<Float>(rows: 3, columns: 2, values: [1, 2, 3, 4, 5.5, -6])
    try NumpyFile.write(m, to: url)
    let bytes = try Data(contentsOf: url)
    #expect((10 + Int(bytes[8]) + Int(bytes[9]) << 8) % 64 == 0)
    #expect(String(decoding: bytes[10..<74], as: UTF8.self).contains("'shape': (3, 2)"))
    #expect(try NumpyFile.readFloat(url) == m)
    let ids = dir.appendingPathComponent("ids.npy")
    try NumpyFile.write([Int64](arrayLiteral: 10, 20, 30), to: ids)
    #expect(try NumpyFile.readInt(ids).values == [10, 20, 30])
    try Data(bytes.prefix(bytes.count - 4)).write(to: url)
    #expect(throws: VectorFileError.self) { _ = try NumpyFile.readFloat(url) }
}

@Test func vecsRoundTripAndRejectsMixedDimensions() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vecs-\(UUID().uuidString)")
    let f = Matrix<Float>(rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6])
    try VecsFile.write(f, to: dir.appendingPathComponent("a.fvecs"))
    #expect(try VecsFile.readFloat(dir.appendingPathComponent("a.fvecs")) == f)
    let i = Matrix<Int32>(rows: 1, columns: 2, values: [7, 9])
    try VecsFile.write(i, to: dir.appendingPathComponent("g.ivecs"))
    #expect(try VecsFile.readInt(dir.appendingPathComponent("g.ivecs")) == i)
    var bad = try Data(contentsOf: dir.appendingPathComponent("a.fvecs"))
    bad[16] = 2
    try bad.write(to: dir.appendingPathComponent("bad.fvecs"))
    #expect(throws: VectorFileError.self) { _ = try VecsFile.readFloat(dir.appendingPathComponent("bad.fvecs")) }
}

@Test func npyShapesThatOverflowOrAreNegativeAreRefused() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("marquee-npy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    for shape in ["(4611686018427387904, 4611686018427387904)", "(-1, 4)", "(9223372036854775807,)"] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
        header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8) + [0, 0, 0, 0]
        let url = dir.appendingPathComponent("bad.npy")
        try Data(bytes).write(to: url)
        #expect(throws: VectorFileError.self) { _ = try NumpyFile.readFloat(url) }
    }
}
