/// SVG charts written by Marquee (axes, ticks, log scales, legends, bands): used by the simulation
/// output, the report and the web page. Depends on nothing.
public enum Charts {}
