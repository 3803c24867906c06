@testable import Dataset
import FuzzSupport
import Support

/// A dataset cache artefact, as it is and with its checksums re-sealed; the stamp it expects is its own
/// (so a mutated cache is judged on its contents, not turned away as stale).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    for url in FuzzInput.writeArtifact(data, size, named: "dataset.cache") {
        do {
            let reader = try ArtifactReader(url: url, expectedKind: DatasetCache.kind)
            let meta = try reader.metadata(DatasetCache.Meta.self)
            if let dataset = try DatasetCache.load(from: url, expecting: meta.stamp) {
                let x = dataset.interactions
                for u in 0..<x.userCount {
                    for p in x.byUser.range(ofRow: u) { precondition(Int(x.byUser.columnIndex[p]) < x.itemCount) }
                }
                for i in 0..<x.itemCount {
                    for p in x.byItem.range(ofRow: i) { precondition(Int(x.byItem.columnIndex[p]) < x.userCount) }
                }
                _ = dataset.catalog.movies.map(\.title)
            }
        } catch { FuzzInput.check(error) }
    }
    return 0
}

/// The executable's entry (SwiftPM points `main` here): runs libFuzzer on `fuzz`.
@_cdecl("fuzz_dataset_cache_main")
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzInput.run(argc, argv, fuzz)
}
