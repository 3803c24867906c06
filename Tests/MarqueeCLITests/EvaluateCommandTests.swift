import Foundation
import Testing

/// A four-user fixture. With `--split leave-last` (one positive per user), worked out by hand:
///   u1: positives 10 (t1), 20 (t2), 30 (t3)      → test {30}, train {10, 20}
///   u2: positives 10 (t1), 40 (t3); 20 rated 2   → test {40}, train {10, 20 (seen, not positive)}
///   u3: positives 10 (t1), 30 (t2), 20 (t5)      → test {20}, train {10, 30}
///   u4: only a 3-star rating                      → no test positive (skipped)
/// Train positives per movie: 10 → 3, 20 → 1 (u1), 30 → 1 (u3), 40 → 0; popularity order 10, 20, 30, 40
/// (ties: smaller index first).
private let ratings = """
userId,movieId,rating,timestamp
1,10,5.0,1
1,20,5.0,2
1,30,4.0,3
2,10,4.0,1
2,20,2.0,2
2,40,5.0,3
3,10,5.0,1
3,30,5.0,2
3,20,4.0,5
4,40,3.0,1

"""

private let movies = """
movieId,title,genres
10,Alpha (1995),Comedy
20,Beta (1996),Drama
30,"Gamma, The (1997)",Drama|Romance
40,Delta (1998),Action

"""

/// The fixture as a dataset folder, and the leave-last split of it as two files.
private func fixture() throws -> (root: URL, data: URL, train: URL, test: URL, models: URL) {
    let root = try makeTemporaryDirectory("marquee-evaluate")
    let data = root.appendingPathComponent("tiny")
    try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
    try writeFile(ratings, to: "ratings.csv", in: data)
    try writeFile(movies, to: "movies.csv", in: data)
    let train = try writeFile("userId,movieId,rating,timestamp\n1,10,5.0,1\n1,20,5.0,2\n2,10,4.0,1\n2,20,2.0,2\n3,10,5.0,1\n3,30,5.0,2\n4,40,3.0,1\n",
                              to: "train.csv", in: root)
    let test = try writeFile("userId,movieId,rating,timestamp\n1,30,4.0,3\n2,40,5.0,3\n3,20,4.0,5\n", to: "test.csv", in: root)
    return (root, data, train, test, root.appendingPathComponent("models"))
}

private func close(_ value: Any?, _ expected: Double) -> Bool {
    guard let x = (value as? NSNumber)?.doubleValue else { return false }
    return abs(x - expected) < 1e-9
}

/// Popularity at K = 2 on the fixture's leave-last split:
///   u1: seen {10, 20} → [30, 40], relevant {30}: hit at rank 1 → P 1/2, R 1, NDCG 1, AP 1, RR 1
///   u2: seen {10, 20} → [30, 40], relevant {40}: hit at rank 2 → P 1/2, R 1, NDCG 1/log2(3), AP 1/2, RR 1/2
///   u3: seen {10, 30} → [20, 40], relevant {20}: hit at rank 1 → P 1/2, R 1, NDCG 1, AP 1, RR 1
/// Means: P 0.5, R 1, NDCG (2 + 0.630930)/3 = 0.876977, HR 1, MAP 2.5/3, MRR 2.5/3;
/// coverage {30, 40, 20} / 4 items = 0.75; 3 users evaluated.
/// Beyond accuracy, with train positives c = {10: 3, 20: 1, 30: 1, 40: 0} and U = 4 train users:
///   ARP: every list averages (1 + 0)/2 → 0.5; head (80 % of 5 positives) = {10, 20}, so the tail share is
///   (1 + 1 + 1/2)/3 = 5/6; novelty −log₂(1/4) = 2 bits for every item (40 counts as liked once);
///   list counts f = (10: 0, 20: 1, 30: 2, 40: 3) → Gini Σ(2i − n − 1)f / (n Σf) = 10/24;
///   diversity (genres known): Drama|Romance vs Action and Drama vs Action are both at Jaccard distance 1.
private func expectFixturePopularity(_ object: [String: Any]?, split: String, genres: Bool) {
    guard let object else { Issue.record("stdout is not one JSON object"); return }
    let dataset = object["dataset"] as? [String: Any]
    #expect((dataset?["users"] as? Int) == 4)
    #expect((dataset?["items"] as? Int) == 4)
    #expect((dataset?["positives"] as? Int) == 8)
    #expect((object["split"] as? String) == split)
    #expect((object["k"] as? Int) == 2)
    let models = object["models"] as? [String: Any]
    #expect(models?.keys.sorted() == ["popularity"])
    guard let pop = models?["popularity"] as? [String: Any] else { Issue.record("no popularity entry"); return }
    let keys = ["arp", "coverage", "eval_seconds", "gini", "hit_rate", "map", "mrr", "ndcg", "novelty", "precision",
                "recall", "tail_share", "train_seconds", "users_evaluated"] + (genres ? ["diversity"] : [])
    #expect(pop.keys.sorted() == keys.sorted())
    #expect(close(pop["arp"], 0.5))
    #expect(close(pop["tail_share"], 5.0 / 6))
    #expect(close(pop["novelty"], 2))
    #expect(close(pop["gini"], 10.0 / 24))
    if genres { #expect(close(pop["diversity"], 1)) }
    #expect(close(pop["precision"], 0.5))
    #expect(close(pop["recall"], 1))
    #expect(close(pop["ndcg"], (2 + 1 / log2(3.0)) / 3))
    #expect(close(pop["hit_rate"], 1))
    #expect(close(pop["map"], 2.5 / 3))
    #expect(close(pop["mrr"], 2.5 / 3))
    #expect(close(pop["coverage"], 0.75))
    #expect((pop["users_evaluated"] as? Int) == 3)
    #expect(((pop["train_seconds"] as? NSNumber)?.doubleValue ?? -1) >= 0)
}

@Test func evaluateJSONOnALeaveLastSplitMatchesHandComputedPopularity() throws {
    let f = try fixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let run = try runMarquee(["evaluate", "--data", f.data.path, "--models-dir", f.models.path,
                              "--split", "leave-last", "--k", "2", "--models", "popularity", "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    #expect(run.stdout.split(separator: "\n").count == 1)
    expectFixturePopularity(run.json, split: "leave-last", genres: true)
}

@Test func evaluateJSONOnSuppliedFilesGivesTheSameFigures() throws {
    let f = try fixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let run = try runMarquee(["evaluate", "--data", f.data.path, "--models-dir", f.models.path,
                              "--train", f.train.path, "--test", f.test.path, "--k", "2", "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    expectFixturePopularity(run.json, split: "supplied", genres: false)
}

@Test func evaluateLooSampledJSON() throws {
    let f = try fixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    // Each user's held-out item against its unrated movies (fewer than 100, so all of them):
    //   u1: 30 (1 positive in train) vs {40} (0) → rank 1;  u2: 40 (0) vs {30} (1) → rank 2;
    //   u3: 20 (1) vs {40} (0) → rank 1.  K = 1: HR = NDCG = 2/3.  K = 10: HR 1, NDCG (2 + 1/log2 3)/3.
    let run = try runMarquee(["evaluate", "--data", f.data.path, "--models-dir", f.models.path,
                              "--protocol", "loo-sampled", "--k", "1", "--json"])
    #expect(run.status == 0, "stderr: \(run.stderr)")
    let object = run.json
    #expect((object?["protocol"] as? String) == "loo-sampled")
    #expect((object?["split"] as? String) == "leave-last")
    let pop = (object?["models"] as? [String: Any])?["popularity"] as? [String: Any]
    #expect(pop?.keys.sorted() == ["eval_seconds", "hit_rate", "ndcg", "train_seconds", "users_evaluated"])
    #expect(close(pop?["hit_rate"], 2.0 / 3) && close(pop?["ndcg"], 2.0 / 3))
    #expect((pop?["users_evaluated"] as? Int) == 3)
    let ten = try runMarquee(["evaluate", "--data", f.data.path, "--models-dir", f.models.path,
                              "--protocol", "loo-sampled", "--json"])
    let pop10 = (ten.json?["models"] as? [String: Any])?["popularity"] as? [String: Any]
    #expect(close(pop10?["hit_rate"], 1) && close(pop10?["ndcg"], (2 + 1 / log2(3.0)) / 3))
}

@Test func evaluateTableAndRandomSplitAreSane() throws {
    let f = try fixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let table = try runMarquee(["evaluate", "--data", f.data.path, "--models-dir", f.models.path, "--split", "leave-last", "--k", "2"])
    #expect(table.status == 0, "stderr: \(table.stderr)")
    #expect(table.stdout.contains("popularity") && table.stdout.contains("NDCG@2") && table.stdout.contains("0.8770"))
    // Random split, fraction 0.5: u1 and u3 (3 positives) hold out round(1.5) = 2, u2 (2 positives) 1.
    let random = try runMarquee(["evaluate", "--data", f.data.path, "--models-dir", f.models.path,
                                 "--test-fraction", "0.5", "--seed", "3", "--json"])
    #expect(random.status == 0, "stderr: \(random.stderr)")
    #expect((random.json?["split"] as? String) == "random")
    let pop = (random.json?["models"] as? [String: Any])?["popularity"] as? [String: Any]
    #expect((pop?["users_evaluated"] as? Int) == 3)
    for key in ["precision", "recall", "ndcg", "hit_rate", "map", "mrr", "coverage"] {
        let x = (pop?[key] as? NSNumber)?.doubleValue ?? -1
        #expect(x >= 0 && x <= 1, "\(key) = \(x)")
    }
}

@Test func evaluateRejectsBadArgumentsWithClearMessages() throws {
    let f = try fixture()
    defer { try? FileManager.default.removeItem(at: f.root) }
    let base = ["evaluate", "--data", f.data.path, "--models-dir", f.models.path]
    let unknown = try runMarquee(base + ["--models", "popularity,nope"])
    #expect(unknown.status != 0 && unknown.stderr.contains("unknown model 'nope'") && unknown.stderr.contains("known: popularity"))
    let lonely = try runMarquee(base + ["--train", f.train.path])
    #expect(lonely.status != 0 && lonely.stderr.contains("--train needs --test"))
    let fraction = try runMarquee(base + ["--test-fraction", "1.5"])
    #expect(fraction.status != 0 && fraction.stderr.contains("--test-fraction must be a number in (0, 1), got 1.5"))
    let split = try runMarquee(base + ["--split", "weekly"])
    #expect(split.status != 0 && split.stderr.contains("'weekly'") && split.stderr.contains("'leave-last'"))
    #expect(unknown.stdout.isEmpty && fraction.stdout.isEmpty)
}
