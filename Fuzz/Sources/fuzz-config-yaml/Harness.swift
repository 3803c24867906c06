import FuzzSupport
import Workspace

/// `config.yaml` through the YAML load, the overlay on the defaults and every key's rule
/// (`MarqueeConfig.parse` in the application layer).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do { _ = try MarqueeConfig.parse(text, source: "fuzz.yaml") } catch { FuzzInput.check(error) }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_config_yaml_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
