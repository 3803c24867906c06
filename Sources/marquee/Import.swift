import ArgumentParser
import Foundation
import MarqueeCLI
import Workspace

/// `marquee import`: factors trained elsewhere become an ALS model Marquee serves.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn user and item factors trained elsewhere (implicit, Spark MLlib, PyTorch) into an ALS model file.",
        discussion: """
        Reads four .npy files: users × f and items × f factors (float32 or float64) and the dataset's own \
        user and movie id of each row (int32 or int64), puts the rows in the dataset's order (rows whose id \
        the dataset lacks are dropped; users and movies without a row get zero vectors and are served by \
        popularity) and writes an ALS model (default <models-dir>/<dataset>/als.model), so recommend, \
        similar, fold-in (with config als.regularization and als.alpha) and the server use it. From \
        implicit: model.user_factors / model.item_factors with the ids of your user and item codes.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("user-factors"), help: "users × f factors (.npy).", completion: .file(extensions: ["npy"]))
    var userFactors: String

    @Option(name: .customLong("item-factors"), help: "items × f factors (.npy).", completion: .file(extensions: ["npy"]))
    var itemFactors: String

    @Option(name: .customLong("user-ids"), help: "The dataset user id of each row (.npy, int32/int64).", completion: .file(extensions: ["npy"]))
    var userIds: String

    @Option(name: .customLong("item-ids"), help: "The dataset movie id of each row (.npy, int32/int64).", completion: .file(extensions: ["npy"]))
    var itemIds: String

    @Option(help: "λ used when folding in someone new (default: config als.regularization).")
    var regularization: Float?

    @Option(help: "α used when folding in someone new (default: config als.alpha).")
    var alpha: Float?

    @Option(help: "Output model file (default: <models-dir>/<dataset>/als.model).", completion: .file(extensions: ["model"]))
    var out: String?

    @Flag(help: "Print one JSON object with what was matched on stdout.")
    var json = false

    func run() throws {
        var config = try common.loadConfig()
        config.set(\.als.regularization, regularization, flag: "--regularization")
        config.set(\.als.alpha, alpha, flag: "--alpha")
        let workspace = try common.openWorkspace(config)
        let files = FactorFiles(userFactors: URL(fileURLWithPath: userFactors), itemFactors: URL(fileURLWithPath: itemFactors),
                                userIds: URL(fileURLWithPath: userIds), itemIds: URL(fileURLWithPath: itemIds))
        let (_, report) = try workspace.importALS(files, to: out.map { URL(fileURLWithPath: $0) })
        if json { return try printJSON(report) }
        print("imported \(report.factors) factors: \(report.usersMatched) users and \(report.itemsMatched) movies matched; "
              + "\(report.usersDropped) user and \(report.itemsDropped) movie rows dropped (ids not in the dataset); "
              + "\(report.usersMissing) users and \(report.itemsMissing) movies without a row (zero vectors) → \(report.out)")
    }
}
