/// Ratings as read from a file, one entry per line, in the dataset's own ids (columnar).
public struct RatingTable: Sendable, Equatable {
    /// The dataset's user id of each line.
    public var userIds: [Int32] = []
    /// The dataset's movie id of each line.
    public var movieIds: [Int32] = []
    /// The rating of each line, in stars (MovieLens: 0.5…5).
    public var ratings: [Float] = []
    /// The Unix timestamp (seconds) of each line.
    public var timestamps: [Int64] = []

    /// An empty table.
    public init() {}

    /// The number of ratings.
    public var count: Int { userIds.count }

    /// Appends one rating.
    public mutating func append(user: Int32, movie: Int32, rating: Float, timestamp: Int64) {
        userIds.append(user); movieIds.append(movie); ratings.append(rating); timestamps.append(timestamp)
    }

    /// Appends every rating of `other`, in its order (how the parser joins its chunks).
    public mutating func append(contentsOf other: RatingTable) {
        userIds += other.userIds; movieIds += other.movieIds; ratings += other.ratings; timestamps += other.timestamps
    }
}

/// What building interactions found.
public struct BuildReport: Sendable, Equatable {
    /// Repeated (user, movie) pairs dropped (the latest timestamp wins).
    public var repeats = 0
    /// Entries whose user or movie is absent from the given id maps (dropped).
    public var unknownIds = 0
}
