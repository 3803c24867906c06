import FuzzSupport
import VectorSearch

/// An `.fvecs` file (SIFT/GIST vector format).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let url = FuzzInput.write(data, size, named: "input.fvecs", in: FuzzInput.directory("vecs"))
    do { let m = try VecsFile.readFloat(url); precondition(m.values.count == m.rows * m.columns) } catch { FuzzInput.check(error) }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_fvecs_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
