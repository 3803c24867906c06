import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough of a DOM to count the series and points of a chart.
final class XMLElement {
    let name: String
    let attributes: [String: String]
    var children: [XMLElement] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element below (and including) this one, document order.
    var descendants: [XMLElement] { [self] + children.flatMap(\.descendants) }

    /// Elements named `name` whose class list contains every class in `classes`.
    func all(_ name: String? = nil, classes: [String] = []) -> [XMLElement] {
        descendants.filter { e in
            (name == nil || e.name == name!) && classes.allSatisfy { e.classes.contains($0) }
        }
    }

    var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }

    /// All text inside, concatenated.
    var allText: String { text + children.map(\.allText).joined() }
}

/// Parses `text` with Foundation's XMLParser; nil (and the parser's error) when it is not well-formed.
func parseXML(_ text: String) -> (root: XMLElement?, error: String?) {
    final class Delegate: NSObject, XMLParserDelegate {
        var stack: [XMLElement] = []
        var root: XMLElement?
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                    attributes attributeDict: [String: String] = [:]) {
            let e = XMLElement(name: elementName, attributes: attributeDict)
            stack.last?.children.append(e)
            if root == nil { root = e }
            stack.append(e)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            stack.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
    let parser = XMLParser(data: Data(text.utf8))
    let delegate = Delegate()
    parser.delegate = delegate
    guard parser.parse() else {
        return (nil, "\(parser.parserError.map { "\($0)" } ?? "parse failed") at line \(parser.lineNumber), column \(parser.columnNumber)")
    }
    return (delegate.root, nil)
}

/// The number of points in an SVG path: its M and L commands (the only ones charts write besides Z).
func pathPoints(_ d: String) -> Int {
    d.reduce(0) { $0 + ($1 == "M" || $1 == "L" ? 1 : 0) }
}
