import Dataset
import Foundation
import LinearAlgebra
import Models
import Support
import VectorSearch

/// Factors trained elsewhere (implicit, Spark MLlib, PyTorch), as four `.npy` files.
public struct FactorFiles: Sendable {
    /// users × f float32/float64.
    public var userFactors: URL
    /// items × f float32/float64.
    public var itemFactors: URL
    /// The dataset user id of each row (int32/int64).
    public var userIds: URL
    /// The dataset movie id of each row (int32/int64).
    public var itemIds: URL

    public init(userFactors: URL, itemFactors: URL, userIds: URL, itemIds: URL) {
        self.userFactors = userFactors
        self.itemFactors = itemFactors
        self.userIds = userIds
        self.itemIds = itemIds
    }
}

/// What an import matched.
public struct ImportReport: Codable, Sendable, Equatable {
    public var factors: Int
    /// Rows whose id the dataset has.
    public var usersMatched: Int, itemsMatched: Int
    /// Rows whose id the dataset lacks (dropped).
    public var usersDropped: Int, itemsDropped: Int
    /// Dataset users and movies with no row in the files (zero vectors: popularity serves them).
    public var usersMissing: Int, itemsMissing: Int
    /// The model file written.
    public var out: String

    enum CodingKeys: String, CodingKey {
        case factors, out
        case usersMatched = "users_matched", itemsMatched = "items_matched", usersDropped = "users_dropped"
        case itemsDropped = "items_dropped", usersMissing = "users_missing", itemsMissing = "items_missing"
    }
}

extension Workspace {
    /// Turns factors trained elsewhere into an ALS model of this dataset: rows are put in the dataset's
    /// dense order by their ids (rows of ids the dataset lacks are dropped, dataset users and movies
    /// without a row get zero vectors), fold-in uses the `als:` regularization and α, and the model is
    /// saved to `out` (default: the store's `als.model`, which `recommend`, `similar` and the server then
    /// serve) with a provenance naming the files.
    /// - Throws: `NumpyError` for unreadable files, `WorkspaceError.invalid` for shapes, ids or values
    ///   that do not fit.
    @discardableResult
    public func importALS(_ files: FactorFiles, to out: URL? = nil) throws -> (model: LoadedModel, report: ImportReport) {
        let users = try NumpyFile.readFloat(files.userFactors), items = try NumpyFile.readFloat(files.itemFactors)
        let userIds = try NumpyFile.readInt(files.userIds).values, itemIds = try NumpyFile.readInt(files.itemIds).values
        let f = items.columns
        func refuse(_ message: String) -> WorkspaceError { .invalid(message) }
        guard (1...4096).contains(f) else { throw refuse("\(files.itemFactors.path): \(f) factors per row (must be 1…4096)") }
        guard users.columns == f else {
            throw refuse("\(files.userFactors.path) has \(users.columns) factors per row, \(files.itemFactors.path) has \(f)")
        }
        guard userIds.count == users.rows else { throw refuse("\(files.userIds.path) holds \(userIds.count) ids for \(users.rows) user rows") }
        guard itemIds.count == items.rows else { throw refuse("\(files.itemIds.path) holds \(itemIds.count) ids for \(items.rows) item rows") }
        for (matrix, url) in [(users, files.userFactors), (items, files.itemFactors)] {
            if let bad = matrix.values.firstIndex(where: { !$0.isFinite }) {
                throw refuse("\(url.path): row \(bad / f) holds a value that is not finite")
            }
        }
        func place(_ m: Matrix<Float>, ids: [Int64], map: IdMap, url: URL) throws -> (values: [Float], matched: Int, dropped: Int) {
            var out = [Float](repeating: 0, count: map.count * f)
            var seen = [Bool](repeating: false, count: map.count)
            var matched = 0, dropped = 0
            for (row, id) in ids.enumerated() {
                guard let id32 = Int32(exactly: id), let dense = map.index(of: id32) else { dropped += 1; continue }
                guard !seen[dense] else { throw refuse("\(url.path): id \(id) appears twice") }
                seen[dense] = true
                matched += 1
                for c in 0..<f { out[dense * f + c] = m.values[row * f + c] }
            }
            return (out, matched, dropped)
        }
        let u = try place(users, ids: userIds, map: interactions.users, url: files.userIds)
        let i = try place(items, ids: itemIds, map: interactions.items, url: files.itemIds)
        guard i.matched > 0 else { throw refuse("\(files.itemIds.path): none of the \(itemIds.count) movie ids is a movie of \(datasetName)") }
        guard u.matched > 0 else { throw refuse("\(files.userIds.path): none of the \(userIds.count) user ids is a user of \(datasetName)") }
        var configuration = config.als.configuration()
        configuration.factors = f
        let als = ALS(factors: f, userFactors: u.values, itemFactors: i.values, userIds: interactions.users.externalIds,
                      itemIds: interactions.items.externalIds, configuration: configuration)
        let names = [files.userFactors, files.itemFactors, files.userIds, files.itemIds].map(\.lastPathComponent).joined(separator: ", ")
        var model = LoadedModel(kind: .als, recommender: als, users: interactions.users, items: interactions.items,
                                provenance: Provenance(dataset: datasetStamp,
                                                       settings: ["factors": "\(f)", "regularization": "\(configuration.regularization)",
                                                                  "alpha": "\(configuration.alpha)", "imported": "true"],
                                                       note: "imported from \(names)"))
        let url = out ?? store.modelURL(.als)
        try model.save(to: url)
        let report = ImportReport(factors: f, usersMatched: u.matched, itemsMatched: i.matched, usersDropped: u.dropped,
                                  itemsDropped: i.dropped, usersMissing: interactions.userCount - u.matched,
                                  itemsMissing: interactions.itemCount - i.matched, out: url.path)
        logger.notice("imported \(f) factors for \(u.matched) users and \(i.matched) movies → \(url.path)")
        return (model, report)
    }
}
