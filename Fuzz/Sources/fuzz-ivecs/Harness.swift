import FuzzSupport
import VectorSearch

/// An `.ivecs` file (ground-truth neighbour lists).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let url = FuzzInput.write(data, size, named: "input.ivecs", in: FuzzInput.directory("vecs"))
    do { let m = try VecsFile.readInt(url); precondition(m.values.count == m.rows * m.columns) } catch { FuzzInput.check(error) }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_ivecs_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
