import FuzzSupport
import VectorSearch

/// An HNSW index file, as it is and re-sealed; an index that loads must answer searches and walks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    for url in FuzzInput.writeArtifact(data, size, named: "index.hnsw") {
        do {
            let index = try HNSWIndex.load(from: url)
            let query = [Float](repeating: 0.5, count: index.dimension)
            _ = index.search(query, k: 5, ef: 16)
            _ = index.unreachableIDs()
            if let id = index.ids.first { _ = try index.neighbors(of: id, k: 3) }
        } catch { FuzzInput.check(error) }
    }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_hnsw_index_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
