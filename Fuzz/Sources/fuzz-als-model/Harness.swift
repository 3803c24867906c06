import FuzzSupport
import Models

/// An ALS model file, as it is and re-sealed; a model that loads must score every user.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    for url in FuzzInput.writeArtifact(data, size, named: "als.model") {
        do {
            let model = try ALS.load(from: url)
            var scores = [Float](repeating: 0, count: model.itemCount)
            scores.withUnsafeMutableBufferPointer { buffer in
                for user in 0..<min(model.userCount, 4) { model.scores(forUser: user, into: buffer) }
            }
        } catch { FuzzInput.check(error) }
    }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_als_model_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
