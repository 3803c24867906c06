/// Builds SVG markup into one string: elements with escaped attributes and text, in the order written.
struct SVGWriter {
    private(set) var output = ""

    init(reservingCapacity capacity: Int = 16_384) {
        output.reserveCapacity(capacity)
    }

    /// `<name a="v" …>`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        output += "<" + name
        appendAttributes(attributes)
        output += ">"
    }

    /// `</name>` and a newline.
    mutating func close(_ name: String) {
        output += "</" + name + ">\n"
    }

    /// `<name a="v" …/>`.
    mutating func element(_ name: String, _ attributes: [(String, String)]) {
        output += "<" + name
        appendAttributes(attributes)
        output += "/>\n"
    }

    /// `<name …>text</name>` with the text escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String) {
        open(name, attributes)
        output += escapeXML(text)
        output += "</" + name + ">\n"
    }

    /// Markup written as is (it must already be well-formed).
    mutating func raw(_ markup: String) {
        output += markup
    }

    private mutating func appendAttributes(_ attributes: [(String, String)]) {
        for (key, value) in attributes {
            output += " " + key + "=\""
            output += escapeXML(value)
            output += "\""
        }
    }
}

/// `text` with the five XML special characters replaced by entities (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&apos;`), safe in text and in attribute values; characters XML 1.0 forbids (C0 controls but tab,
/// newline and carriage return) become spaces.
public func escapeXML(_ text: String) -> String {
    var needsWork = false
    for u in text.utf8 where u == 0x26 || u == 0x3C || u == 0x3E || u == 0x22 || u == 0x27 || (u < 0x20 && u != 0x09 && u != 0x0A && u != 0x0D) {
        needsWork = true
        break
    }
    guard needsWork else { return text }
    var out = ""
    out.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default:
            if scalar.value < 0x20 && scalar.value != 0x09 && scalar.value != 0x0A && scalar.value != 0x0D {
                out += " "
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// Estimated text widths, for layout without a font engine: per-character widths of a typical sans-serif
/// face (digits ≈ 0.56 em, capitals ≈ 0.67 em, narrow letters ≈ 0.28 em). Good to a few per cent for
/// labels, which is what keeping labels apart needs.
enum TextMetrics {
    static func width(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars {
            em += advance(scalar)
        }
        return em * fontSize
    }

    private static func advance(_ s: Unicode.Scalar) -> Double {
        switch s {
        case "i", "l", "j", "I", "|", "!", ".", ",", ":", ";", "'", "\u{2019}": return 0.28
        case "f", "t", "r", "(", ")", "[", "]", "{", "}", "/", "\\", "-", " ": return 0.36
        case "0"..."9": return 0.56
        case "m", "w": return 0.84
        case "M", "W", "@", "%": return 0.9
        case "A"..."Z": return 0.67
        case "a"..."z": return 0.54
        case "\u{2212}", "+", "=", "<", ">", "~": return 0.6
        default: return s.value > 0x2E80 ? 1.0 : 0.6
        }
    }
}
