import FuzzSupport
import Dataset
import FuzzDataset

/// `u.item` in a ml100k folder whose other files are valid.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    DatasetHarness.run(data, size, file: "u.item", format: .ml100k)
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_u_item_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
