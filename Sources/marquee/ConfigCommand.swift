import ArgumentParser
import Foundation
import MarqueeCLI
import Workspace

/// `marquee config`: the settings in effect, or the limits every key and flag is checked against.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the settings in effect (config.yaml over the defaults) or every key's limits.",
        discussion: """
        Without options: every key with its value and where it came from (default, or the file). \
        --limits: every key with the values it allows; the flag that overrides a key is checked by the \
        same rule. Exits with an error naming the key when the file breaks a rule.
        """
    )

    @OptionGroup var common: CommonOptions

    @Flag(help: "List every key's allowed values instead of the settings.")
    var limits = false

    @Flag(help: "Print one JSON object on stdout.")
    var json = false

    func run() throws {
        let config = try common.loadConfig()
        try config.validate()
        if limits {
            let rows = MarqueeConfig.rules.map { ["key": $0.key, "limit": $0.limit] }
            if json { return try printJSON(rows) }
            let width = MarqueeConfig.rules.map(\.key.count).max() ?? 0
            for rule in MarqueeConfig.rules { print(rule.key.padding(toLength: width + 2, withPad: " ", startingAt: 0) + rule.limit) }
            return
        }
        if json { return try printJSON(config) }
        for rule in MarqueeConfig.rules {
            let shown = config.text(of: rule)
            print("\(rule.key): \(shown)" + (config.origins[rule.key].map { "    # \($0)" } ?? ""))
        }
    }
}
