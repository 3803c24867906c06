/// Where the ids of an index's (or an embedding matrix's) rows came from, so that a consumer can tell
/// real ids from row numbers before it shows them to anyone.
///
/// An index built from an embedding file without ids gets row numbers as ids; treating those as, say,
/// movie ids answers with unrelated movies. `HNSWIndex` records the source in its file, and callers that
/// need real ids (`marquee similar`, the retrieval pipeline with an id map) refuse `.rows`.
public enum IDSource: String, Codable, Sendable, CaseIterable {
    /// The dataset's own ids, taken from a model file's `item_ids` (e.g. MovieLens movie ids).
    case dataset
    /// Read from an ids file given with the vectors (`--ids FILE`, or a sibling `NAME.ids.npy`).
    case file
    /// Row numbers 0, 1, 2, …: the vectors came without ids.
    case rows
    /// Not recorded: ids passed in memory by a library caller, or an index saved before the source was
    /// recorded (such files load as `.unknown`, and are trusted as they always were).
    case unknown
}
