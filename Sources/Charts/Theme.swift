/// The colours and type of every chart, as one CSS stylesheet of custom properties.
///
/// - Series colours come from the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which
///   stays distinguishable with the common colour-vision deficiencies, in a light and a dark variant: every
///   light colour has at least 3 : 1 contrast on white (the WCAG 2.1 level for graphics; yellow is
///   darkened to olive for that), every dark colour at least 7 : 1 on the dark background. Past eight
///   series the colours repeat, dashed.
/// - The theme follows `prefers-color-scheme`; a host page can force one by putting the class
///   `mq-theme-light` or `mq-theme-dark` on any ancestor of the charts (or on the `<svg>` itself).
/// - Text is drawn in `currentColor` and the muted/grid colours are variables, so a host page can restyle
///   a chart by overriding `--mq-fg`, `--mq-muted`, `--mq-grid`, `--mq-bg` or `--mq-c1`…`--mq-c8` on an
///   ancestor with a selector at least as specific as `.mq-theme-dark .mq-chart` (set
///   `--mq-bg: transparent` to let the page's background show).
public enum Theme {
    /// Light-theme series colours, slot 1…8 (hex sRGB): blue, vermillion, green, reddish purple, olive
    /// (darkened yellow), sky blue, orange, grey — ordered so that the first five are the most distinct.
    public static let lightPalette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a7a00", "#3d8fc4", "#b07800", "#666666"]
    /// Dark-theme series colours, slot 1…8.
    public static let darkPalette = ["#56b4e9", "#f08a4b", "#2fc79b", "#e39bcb", "#f0e442", "#a6d4f2", "#e6b13a", "#b3b3b3"]
    /// Number of distinct palette slots.
    public static let paletteSize = 8

    private static let lightBase = "--mq-bg:#ffffff;--mq-fg:#1f2328;--mq-muted:#59636e;--mq-grid:#e1e5ea;--mq-axis:#8c959f;"
    private static let darkBase = "--mq-bg:#0d1117;--mq-fg:#e6edf3;--mq-muted:#9aa5b1;--mq-grid:#2a313a;--mq-axis:#6e7781;"

    private static func variables(_ base: String, _ palette: [String]) -> String {
        base + palette.enumerated().map { "--mq-c\($0.offset + 1):\($0.element);" }.joined()
    }

    /// The stylesheet every chart needs (without `<style>` tags). Charts embed it by default; a page
    /// holding many charts can include it once and render the charts with `includeStyle: false`.
    public static let stylesheet: String = {
        let light = variables(lightBase, lightPalette), dark = variables(darkBase, darkPalette)
        var css = ""
        css += ".mq-chart{\(light)color:var(--mq-fg);font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
        css += "width:100%;height:auto;display:block}\n"
        css += "@media (prefers-color-scheme:dark){.mq-chart{\(dark)}}\n"
        css += ".mq-theme-light .mq-chart,.mq-chart.mq-theme-light{\(light)}\n"
        css += ".mq-theme-dark .mq-chart,.mq-chart.mq-theme-dark{\(dark)}\n"
        css += ".mq-chart .mq-bg{fill:var(--mq-bg)}\n"
        css += ".mq-chart text{fill:currentColor}\n"
        css += ".mq-chart .mq-title{font-size:15px;font-weight:600}\n"
        css += ".mq-chart .mq-caption,.mq-chart .mq-tick text,.mq-chart .mq-rule text{fill:var(--mq-muted)}\n"
        css += ".mq-chart .mq-caption{font-size:11px}\n"
        css += ".mq-chart .mq-tick text{font-size:11px;font-variant-numeric:tabular-nums}\n"
        css += ".mq-chart .mq-axis-title{font-size:12px}\n"
        css += ".mq-chart .mq-legend text,.mq-chart .mq-label{font-size:12px;fill:var(--mq-fg)}\n"
        css += ".mq-chart .mq-rule text{font-size:11px}\n"
        css += ".mq-chart .mq-grid line{stroke:var(--mq-grid);stroke-width:1}\n"
        css += ".mq-chart .mq-domain,.mq-chart .mq-tick line{stroke:var(--mq-axis);stroke-width:1}\n"
        css += ".mq-chart .mq-rule line,.mq-chart .mq-rule path{stroke:var(--mq-muted);stroke-width:1.25;stroke-dasharray:5 4;fill:none}\n"
        css += ".mq-chart .mq-halo{paint-order:stroke;stroke:var(--mq-bg);stroke-width:3.5px;stroke-linejoin:round}\n"
        css += ".mq-chart .mq-stroke{fill:none;stroke:currentColor;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}\n"
        css += ".mq-chart .mq-fill{fill:currentColor;fill-opacity:.8}\n"
        css += ".mq-chart .mq-area .mq-fill{fill-opacity:.75;stroke:var(--mq-bg);stroke-width:.75}\n"
        css += ".mq-chart .mq-bars .mq-fill{fill-opacity:.85}\n"
        css += ".mq-chart .mq-band-fill{fill:currentColor;fill-opacity:.18;stroke:none}\n"
        css += ".mq-chart .mq-marker{fill:currentColor;stroke:var(--mq-bg);stroke-width:1}\n"
        css += ".mq-chart .mq-dashed{stroke-dasharray:6 4}\n"
        css += ".mq-chart .mq-dotted{stroke-dasharray:1.5 3.5}\n"
        css += ".mq-chart .mq-fg{color:var(--mq-fg)}\n"
        css += ".mq-chart .mq-muted{color:var(--mq-muted)}\n"
        for slot in 1...paletteSize { css += ".mq-chart .mq-s\(slot){color:var(--mq-c\(slot))}\n" }
        return css
    }()
}
