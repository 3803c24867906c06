import Dataset
import Foundation
import Support

/// The `meta` section of a popularity file.
struct PopularityMetadata: Codable {
    var users: Int
    var items: Int
    var provenance: Provenance?
}

extension Popularity {
    /// The artefact kind of popularity files.
    public static let artifactKind = "popularity"

    /// Writes the counts as one artefact (kind `popularity`), atomically: `counts` (Float per item),
    /// `item_ids` (Int32, the dataset's own id of each item) and `meta` (users, items, provenance).
    /// - Throws: `ArtifactError.writeFailed`; `ModelFileError` when `items` does not fit the counts.
    public func save(to url: URL, items: IdMap) throws {
        guard items.count == itemCount else {
            throw ModelFileError.mismatch(path: url.path, reason: "\(items.count) item ids for \(itemCount) counts")
        }
        var writer = ArtifactWriter(kind: Self.artifactKind)
        try writer.addMetadata(PopularityMetadata(users: userCount, items: itemCount, provenance: provenance))
        writer.add("counts", counts)
        writer.add("item_ids", items.externalIds)
        try writer.write(to: url)
    }

    /// Reads a file written by `save(to:items:)`.
    /// - Returns: the model and its item ids.
    /// - Throws: `ArtifactError`, or `ModelFileError` when the sections disagree.
    public static func load(from url: URL) throws -> (model: Popularity, items: IdMap) {
        let reader = try ArtifactReader(url: url, expectedKind: artifactKind)
        let meta = try reader.metadata(PopularityMetadata.self)
        let counts: [Float] = try reader.array("counts")
        let ids: [Int32] = try reader.array("item_ids")
        guard counts.count == meta.items, ids.count == meta.items, meta.users >= 0 else {
            throw ModelFileError.mismatch(path: url.path, reason: "\(counts.count) counts and \(ids.count) ids for \(meta.items) items")
        }
        guard zip(ids, ids.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ModelFileError.mismatch(path: url.path, reason: "item ids must be ascending and unique")
        }
        guard counts.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ModelFileError.mismatch(path: url.path, reason: "counts must be finite and ≥ 0")
        }
        var model = Popularity(counts: counts, userCount: meta.users)
        model.provenance = meta.provenance
        return (model, IdMap(sortedUnique: ids))
    }
}

/// A model file whose sections do not fit together.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// Sections disagree (counts and ids of different lengths, negative counts, …), in words.
    case mismatch(path: String, reason: String)

    public var description: String {
        switch self {
        case let .mismatch(path, reason): return "\(path): \(reason)"
        }
    }
}
