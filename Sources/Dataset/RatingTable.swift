/// Ratings as read from a file, one entry per line, in the dataset's own ids (columnar).
public struct RatingTable: Sendable, Equatable {
    public var userIds: [Int32] = []
    public var movieIds: [Int32] = []
    public var ratings: [Float] = []
    public var timestamps: [Int64] = []

    public init() {}

    public var count: Int { userIds.count }

    public mutating func append(user: Int32, movie: Int32, rating: Float, timestamp: Int64) {
        userIds.append(user); movieIds.append(movie); ratings.append(rating); timestamps.append(timestamp)
    }

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
