import Foundation
@testable import Dataset
import FuzzSupport

/// Runs a dataset folder in which one file is the fuzzer's input and the others are small, valid
/// companions: through the public `load` (strict and skipping bad lines) and through the parser with tiny
/// chunks, so that every chunk boundary of the parallel ratings reader is crossed.
public enum DatasetHarness {
    /// Valid companion files, by name.
    public static let companions: [String: String] = [
        "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,3.0,964981247\n2,1,5.0,964982224\n",
        "movies.csv": "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n2,\"Heat, the (1995)\",Action\n",
        "ratings.dat": "1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n",
        "movies.dat": "1::Toy Story (1995)::Animation|Children's\n2::Heat (1995)::Action\n",
        "u.data": "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n",
        "u.item": "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
            + "2|Heat (1995)|01-Jan-1995||http://x|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n",
        "u.genre": "unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren's|4\nComedy|5\nCrime|6\nDocumentary|7\n"
            + "Drama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\nRomance|14\nSci-Fi|15\n"
            + "Thriller|16\nWar|17\nWestern|18\n",
    ]

    /// Which companions each format's folder holds.
    static let folders: [DatasetFormat: [String]] = [
        .ml20m: ["ratings.csv", "movies.csv"],
        .ml1m: ["ratings.dat", "movies.dat"],
        .ml100k: ["u.data", "u.item", "u.genre"],
    ]

    /// One input: `name` in a folder of `format` holds the bytes; the rest are companions.
    public static func run(_ data: UnsafePointer<UInt8>, _ size: Int, file name: String, format: DatasetFormat) {
        let directory = FuzzInput.directory("dataset-\(format.ratingsFile)-\(name)")
        for companion in folders[format]! where companion != name {
            let url = directory.appendingPathComponent(companion)
            if !FileManager.default.fileExists(atPath: url.path) { FuzzInput.write(companions[companion]!, to: url) }
        }
        FuzzInput.write(data, size, named: name, in: directory)
        for skip in [false, true] {
            let options = LoadOptions(threshold: 4, skipBadLines: skip)
            do {
                let dataset = try MovieLensDataset.load(from: directory, options: options)
                inspect(dataset)
            } catch { FuzzInput.check(error) }
            do {
                let dataset = try MovieLensDataset.parse(directory, format: format, options: options, chunkSize: 7, threads: 1)
                inspect(dataset)
            } catch { FuzzInput.check(error) }
        }
        if name == format.ratingsFile {
            do { _ = try MovieLensDataset.readRatings(directory.appendingPathComponent(name)) } catch { FuzzInput.check(error) }
        }
    }

    /// Touches what a loaded dataset hands out, so an inconsistent one traps here, not later.
    static func inspect(_ dataset: MovieLensDataset) {
        let x = dataset.interactions
        precondition(x.byUser.rows == x.userCount && x.byItem.rows == x.itemCount)
        var total = 0
        for u in 0..<x.userCount {
            for p in x.byUser.range(ofRow: u) {
                let item = Int(x.byUser.columnIndex[p])
                precondition(item >= 0 && item < x.itemCount, "item index out of range")
                total += 1
            }
        }
        precondition(total == x.ratingCount, "CSR holds \(total) ratings, report says \(x.ratingCount)")
        for movie in dataset.catalog.movies { _ = movie.title.utf8.count }
    }
}
