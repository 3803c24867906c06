import Foundation
import Support

extension SyntheticMovieLens {
    /// Everything decided before ratings are drawn: the catalogue (ids, groups, popularity, quality,
    /// titles, genres), each user's rating count and cluster. Small (O(users + movies)) and sequential, so
    /// it is the same whatever the thread count.
    struct Plan: Sendable {
        let shape: Shape
        let seed: UInt64
        let clusters: Int
        let cap: Int

        /// Movie index → dataset id (increasing, dense at first then with gaps, as in MovieLens).
        var movieIds: [Int32] = []
        var movieGroup: [UInt16] = []
        /// Additive rating offset of each movie (popular movies are a little better liked).
        var movieQuality: [Float] = []
        var movieTitle: [String] = []
        var movieGenres: [String] = []
        /// Alias table over all movies by popularity.
        var global = AliasTable(weights: [1])
        /// Movies of group g: `groupMembers[groupStart[g]..<groupStart[g+1]]`, with an alias table over
        /// their popularity in the same slots (`groupAlias` holds positions local to the group).
        var groupStart: [Int] = []
        var groupMembers: [Int32] = []
        var groupProb: [Float] = []
        var groupAlias: [Int32] = []

        var userCount: [Int32] = []
        var userCluster: [UInt16] = []

        /// The twenty genre names of MovieLens (19 genres and the "none" marker), in its order.
        static let genreNames = [
            "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
            "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
            "(no genres listed)",
        ]

        init(_ spec: SyntheticMovieLens) {
            shape = spec.shape
            seed = spec.seed
            clusters = spec.clusters
            cap = spec.maximumRatingsPerUser
            planMovies()
            planTitles()
            planUsers()
        }

        // MARK: Movies

        private mutating func planMovies() {
            let m = shape.movies
            var g = SeededGenerator(seed: seed, stream: 0)

            var id: Int32 = 0
            movieIds = (0..<m).map { i in
                id += i < m / 4 ? 1 : Int32(1 + g.nextInt(below: 8))
                return id
            }

            // Popularity rank: correlated with the id (older catalogue entries are better known), noisy.
            let keys = (0..<m).map { i in log(Double(i + 1)) + 1.2 * Double(g.nextGaussian()) }
            let order = (0..<m).sorted { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }
            var rank = [Int](repeating: 0, count: m)
            for (r, i) in order.enumerated() { rank[i] = r }

            // A power law with an exponential tail, fitted to ML-20M's counts per movie
            // (top ≈ 67k ratings, ≈ 3,000 movies with ≥ 1,000, median ≈ 20).
            let q = max(1, 80 * Double(m) / 26_744)
            let tau = 0.187 * Double(m)
            let weights = (0..<m).map { i -> Double in
                let r = Double(rank[i])
                return exp(-r / tau) / (r + q)
            }
            global = AliasTable(weights: weights)

            movieGroup = (0..<m).map { _ in UInt16(g.nextInt(below: clusters)) }
            movieQuality = (0..<m).map { i in
                0.3 * g.nextGaussian() + 0.3 * Float(0.5 - Double(rank[i]) / Double(m))
            }

            groupStart = [Int](repeating: 0, count: clusters + 1)
            for i in 0..<m { groupStart[Int(movieGroup[i]) + 1] += 1 }
            for c in 0..<clusters { groupStart[c + 1] += groupStart[c] }
            var fill = groupStart
            groupMembers = [Int32](repeating: 0, count: m)
            for i in 0..<m {
                let c = Int(movieGroup[i])
                groupMembers[fill[c]] = Int32(i)
                fill[c] += 1
            }
            groupProb = [Float](repeating: 1, count: m)
            groupAlias = [Int32](repeating: 0, count: m)
            for c in 0..<clusters where groupStart[c + 1] > groupStart[c] {
                let members = groupMembers[groupStart[c]..<groupStart[c + 1]]
                let table = AliasTable(weights: members.map { weights[Int($0)] })
                groupProb.replaceSubrange(groupStart[c]..<groupStart[c + 1], with: table.prob)
                groupAlias.replaceSubrange(groupStart[c]..<groupStart[c + 1], with: table.alias)
            }
        }

        // MARK: Titles and genres

        private static let adjectives = [
            "Silent", "Broken", "Golden", "Last", "Dark", "Wild", "Hidden", "Lost", "Red", "Blue", "Long", "Secret",
            "Little", "Big", "Cold", "Burning", "Midnight", "Electric", "Crimson", "Quiet", "Strange", "Final",
            "Endless", "Lonely", "Brave", "Savage", "Sweet", "Bitter", "Frozen", "Velvet",
        ]
        private static let nouns = [
            "River", "City", "Night", "Summer", "Heart", "Road", "Garden", "Storm", "Mirror", "Kingdom", "Island",
            "Train", "Letter", "Dream", "Shadow", "Witness", "Stranger", "Empire", "Harbor", "Season", "Promise",
            "Mountain", "Game", "Detective", "Circus", "Planet", "Song", "Dance", "Bridge", "Window", "Ghost", "Voyage",
        ]
        private static let names = [
            "Max", "Lucy", "Jack", "Anna", "Otto", "Rosa", "Leo", "Mia", "Hugo", "Vera", "Felix", "Iris", "Oscar", "Nina",
        ]

        private mutating func planTitles() {
            let m = shape.movies
            var g = SeededGenerator(seed: seed, stream: 1)
            let adjectives = Self.adjectives, nouns = Self.nouns, names = Self.names
            func pick(_ words: [String]) -> String { words[g.nextInt(below: words.count)] }

            // Each group prefers two genres, so genres carry some of the taste structure.
            let main = Array(0..<19).filter { $0 != 11 }  // IMAX is an add-on, not a taste
            let preferred = (0..<clusters).map { _ in (main[g.nextInt(below: main.count)], main[g.nextInt(below: main.count)]) }

            var seen = Set<String>(minimumCapacity: m)
            movieTitle.reserveCapacity(m)
            movieGenres.reserveCapacity(m)
            for i in 0..<m {
                let year = 2015 - min(95, Int(-log(1 - g.nextDouble()) * 16))
                var base: String
                switch g.nextInt(below: 10) {
                case 0, 1: base = "\(pick(adjectives)) \(pick(nouns)), The"
                case 2: base = "\(pick(nouns)) of the \(pick(nouns))"
                case 3: base = "\(pick(names)), \(pick(names)) and the \(pick(nouns))"
                case 4: base = "\(pick(names))'s \(pick(adjectives)) \(pick(nouns))"
                case 5: base = "\"\(pick(adjectives)) \(pick(nouns))\" \(pick(nouns))"
                case 6: base = "\(pick(adjectives)) \(pick(nouns)) \(2 + g.nextInt(below: 3))"
                default: base = "\(pick(adjectives)) \(pick(nouns))"
                }
                var title = g.nextInt(below: 1000) == 0 ? base : "\(base) (\(year))"
                var suffix = 2
                while !seen.insert(title).inserted {
                    title = g.nextInt(below: 1000) == 0 ? "\(base) #\(suffix)" : "\(base) #\(suffix) (\(year))"
                    suffix += 1
                }
                movieTitle.append(title)

                if g.nextInt(below: 100) == 0 {
                    movieGenres.append(Self.genreNames[19])
                    continue
                }
                var genres = Set<Int>()
                let (p1, p2) = preferred[Int(movieGroup[i])]
                genres.insert(g.nextFloat() < 0.75 ? (g.nextFloat() < 0.6 ? p1 : p2) : main[g.nextInt(below: main.count)])
                let extra = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3][g.nextInt(below: 10)]
                for _ in 0..<extra { genres.insert(main[g.nextInt(below: main.count)]) }
                if year >= 2005 && g.nextInt(below: 40) == 0 { genres.insert(11) }
                movieGenres.append(genres.sorted().map { Self.genreNames[$0] }.joined(separator: "|"))
            }
        }

        /// `movies.csv`: `movieId,title,genres`, titles quoted (RFC 4180) when they hold a comma or quote.
        func moviesCSV() -> Data {
            var text = "movieId,title,genres\n"
            text.reserveCapacity(shape.movies * 48)
            for i in 0..<shape.movies {
                let title = movieTitle[i]
                let field = title.contains(",") || title.contains("\"")
                    ? "\"" + title.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    : title
                text += "\(movieIds[i]),\(field),\(movieGenres[i])\n"
            }
            return Data(text.utf8)
        }

        // MARK: Users

        private mutating func planUsers() {
            let u = shape.users
            let minimum = SyntheticMovieLens.minimumRatingsPerUser
            var g = SeededGenerator(seed: seed, stream: 2)

            // Uneven cluster sizes: weights 1/(c+3)^0.7.
            let clusterTable = AliasTable(weights: (0..<clusters).map { 1 / pow(Double($0 + 3), 0.7) })
            userCluster = (0..<u).map { _ in UInt16(clusterTable.sample(&g)) }

            // Log-normal excess over the minimum (ML-20M: median ≈ 68, mean ≈ 144), then scaled so the
            // total is exactly `ratings`: find the largest scale whose floors fit, hand out the remainder.
            let raw = (0..<u).map { _ in exp(log(48.0) + 1.38 * Double(g.nextGaussian())) }
            let excessCap = cap - minimum
            let target = shape.ratings - minimum * u
            func total(_ s: Double) -> Int {
                var sum = 0
                for r in raw { sum += min(excessCap, Int(s * r)) }
                return sum
            }
            var lo = 0.0, hi = 1.0
            while total(hi) < target && hi < 1e12 { hi *= 2 }
            for _ in 0..<100 {
                let mid = (lo + hi) / 2
                if total(mid) <= target { lo = mid } else { hi = mid }
            }
            var excess = raw.map { min(excessCap, Int(lo * $0)) }
            var remainder = target - excess.reduce(0, +)
            var order = Array(0..<u)
            order.shuffle(using: &g)
            while remainder > 0 {
                for i in order where remainder > 0 && excess[i] < excessCap {
                    excess[i] += 1
                    remainder -= 1
                }
            }
            userCount = excess.map { Int32($0 + minimum) }
        }
    }
}

/// Walker's alias method (Vose's construction): O(1) draws from a fixed discrete distribution.
struct AliasTable: Sendable {
    var prob: [Float]
    var alias: [Int32]

    init(weights: [Double]) {
        let n = weights.count
        let sum = weights.reduce(0, +)
        var scaled = weights.map { $0 * Double(n) / sum }
        prob = [Float](repeating: 1, count: n)
        alias = (0..<n).map(Int32.init)
        var small: [Int] = [], large: [Int] = []
        for i in 0..<n { if scaled[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast(), let l = large.last {
            prob[s] = Float(scaled[s])
            alias[s] = Int32(l)
            scaled[l] -= 1 - scaled[s]
            if scaled[l] < 1 {
                large.removeLast()
                small.append(l)
            }
        }
    }

    func sample(_ g: inout SeededGenerator) -> Int {
        let i = g.nextInt(below: prob.count)
        return g.nextFloat() < prob[i] ? i : Int(alias[i])
    }
}
