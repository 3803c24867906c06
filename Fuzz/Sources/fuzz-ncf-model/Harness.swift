import FuzzSupport
import Models

/// A GMF / MLP / NeuMF model file, as it is and re-sealed; a model that loads must score a user.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    for url in FuzzInput.writeArtifact(data, size, named: "ncf.model") {
        do {
            let loaded = try NeuralCF.load(from: url)
            let model = loaded.model
            var scores = [Float](repeating: 0, count: model.itemCount)
            if model.userCount > 0 { scores.withUnsafeMutableBufferPointer { model.scores(forUser: 0, into: $0) } }
        } catch { FuzzInput.check(error) }
    }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_ncf_model_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
