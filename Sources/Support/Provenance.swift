import Foundation

/// This build of Marquee.
public enum MarqueeVersion {
    /// The release version (`marquee --version`), recorded in every artefact's provenance.
    public static let current = "0.10.0"
}

/// Where an artefact came from: which data, which settings, which Marquee, when, and for an artefact
/// built from another (an index over a model's vectors) the checksum of that source, so a store can tell
/// when the source was replaced.
///
/// Stored under `provenance` in the artefact's `meta` JSON; files written before it existed have none.
public struct Provenance: Codable, Sendable, Equatable {
    /// The data an artefact was made from.
    public struct DatasetStamp: Codable, Sendable, Equatable {
        /// The dataset folder's name (`ml-latest-small`), or the ratings file's.
        public var name: String
        /// `Interactions.fingerprint` of the ratings, as 16 hex digits.
        public var fingerprint: String
        /// A rating at or above this is a positive.
        public var threshold: Float
        /// Users in the data.
        public var users: Int
        /// Items (movies) in the data.
        public var items: Int
        /// Ratings at or above `threshold`.
        public var positives: Int

        /// A stamp of the data (its counts and fingerprint, as `Interactions` reports them).
        public init(name: String, fingerprint: String, threshold: Float, users: Int, items: Int, positives: Int) {
            self.name = name
            self.fingerprint = fingerprint
            self.threshold = threshold
            self.users = users
            self.items = items
            self.positives = positives
        }
    }

    /// The artefact another was built from.
    public struct Source: Codable, Sendable, Equatable {
        /// Its file name (`als.model`).
        public var file: String
        /// Its artefact kind (`als`).
        public var kind: String
        /// `ArtifactReader.contentChecksum` of the file, as 16 hex digits.
        public var checksum: String

        /// The source artefact, by file name, kind and checksum.
        public init(file: String, kind: String, checksum: String) {
            self.file = file
            self.kind = kind
            self.checksum = checksum
        }
    }

    /// `MarqueeVersion.current` of the writer.
    public var marqueeVersion: String
    /// When it was written, ISO 8601 in UTC.
    public var createdAt: String
    /// The data it was made from (nil for an artefact not made from a dataset, e.g. imported vectors).
    public var dataset: DatasetStamp?
    /// The settings it was made with, by name (`factors` → `32`).
    public var settings: [String: String]
    /// The artefact it was built from (an index's model), nil when none.
    public var source: Source?
    /// Anything else a person should know (`imported from user_factors.npy, item_factors.npy`).
    public var note: String?

    /// A provenance stamped now by this build.
    public init(dataset: DatasetStamp?, settings: [String: String] = [:], source: Source? = nil, note: String? = nil,
                createdAt: Date = Date()) {
        marqueeVersion = MarqueeVersion.current
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        self.createdAt = formatter.string(from: createdAt)
        self.dataset = dataset
        self.settings = settings
        self.source = source
        self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case marqueeVersion = "marquee_version", createdAt = "created_at", dataset, settings, source, note
    }
}

extension Provenance.DatasetStamp {
    enum CodingKeys: String, CodingKey { case name, fingerprint, threshold, users, items, positives }
}

/// A 64-bit checksum as the 16 lower-case hex digits provenance records use.
public func hexChecksum(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}

extension ArtifactReader {
    /// The `provenance` object of the `meta` section, or nil when the file has none (older files) or no
    /// `meta` at all.
    public func provenance() -> Provenance? {
        struct Wrapper: Decodable { var provenance: Provenance? }
        guard has("meta") else { return nil }
        return (try? metadata(Wrapper.self))?.provenance
    }
}
