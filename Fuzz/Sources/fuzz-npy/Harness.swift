import FuzzSupport
import VectorSearch

/// A `.npy` file as float32 and int64 matrices, and as an embedding import.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let url = FuzzInput.write(data, size, named: "input.npy", in: FuzzInput.directory("npy"))
    do { let m = try NumpyFile.readFloat(url); precondition(m.values.count == m.rows * m.columns) } catch { FuzzInput.check(error) }
    do { let m = try NumpyFile.readInt(url); precondition(m.values.count == m.rows * m.columns) } catch { FuzzInput.check(error) }
    do { let m = try EmbeddingStore.importMatrix(from: url); if m.rows > 0 { _ = m.row(m.rows - 1) } } catch { FuzzInput.check(error) }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_npy_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
