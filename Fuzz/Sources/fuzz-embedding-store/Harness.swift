import FuzzSupport
import VectorSearch

/// An embedding store file, as it is and re-sealed; every matrix that loads must hand out its rows.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    for url in FuzzInput.writeArtifact(data, size, named: "store.embeddings") {
        do {
            let store = try EmbeddingStore.load(from: url)
            for name in store.names {
                let m = try store.matrix(name)
                precondition(m.ids.count == m.rows)
                if m.rows > 0 { _ = m.row(m.rows - 1) }
            }
        } catch { FuzzInput.check(error) }
    }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_embedding_store_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
