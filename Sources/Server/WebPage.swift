/// The page at `/`: one HTML document with its styles and script inline (no CDN, nothing fetched but
/// the API itself).
enum WebPage {
    static let html = """
    <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Marquee</title></head><body><h1>Marquee</h1></body></html>
    """
}
