#!/usr/bin/env python3
"""Opens a page in headless Chromium and checks that it renders: no SEVERE console message, and a
screenshot that is not one flat colour. Saves the screenshot. Exit status 0 when the page passes, 1 when it
fails (the reasons on stderr), 2 on bad arguments or a browser that will not start.

Usage: check_page.py PAGE [--screenshot OUT.png] [--dark] [--width 1280] [--height 900] [--full-page]
PAGE is a local file path or an http(s)/file URL. --dark emulates `prefers-color-scheme: dark` through the
DevTools protocol (Emulation.setEmulatedMedia) before the page loads.

Installs what it needs when missing (Debian's chromium, chromium-driver and a font; pip's selenium and
pillow, through ensure_apt / ensure_pip of Tools/lib/common.sh); runs as root with no terminal
(--no-sandbox, --headless=new).
"""
import argparse
import io
import os
import subprocess
import sys
from pathlib import Path


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("page", help="a local HTML/SVG file or a URL")
    p.add_argument("--screenshot", help="where to save the PNG screenshot")
    p.add_argument("--dark", action="store_true", help="emulate prefers-color-scheme: dark")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=900)
    p.add_argument("--full-page", action="store_true", help="screenshot the whole page height, not just the window")
    p.add_argument("--timeout", type=float, default=30, help="seconds to wait for the page to load")
    return p.parse_args()


def page_url(page):
    if "://" in page:
        return page
    path = Path(page)
    if not path.is_file():
        print(f"check_page: {page}: no such file", file=sys.stderr)
        sys.exit(2)
    return path.resolve().as_uri()


def pixel_summary(png):
    """(number of distinct colours, share of pixels that differ from the most common colour)."""
    from PIL import Image
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24)
    total = image.width * image.height
    return len(colours), 1 - max(n for n, _ in colours) / total


def ensure_installed():
    """Installs Chromium, its driver, Selenium and Pillow when missing (Tools/lib/common.sh)."""
    common = Path(__file__).resolve().parent.parent / "lib" / "common.sh"
    script = (f'source "{common}"; ensure_apt chromium chromium-driver fonts-dejavu-core; ensure_pip selenium; '
              'python3 -c "import PIL" 2>/dev/null || ensure_pip pillow')
    result = subprocess.run(["bash", "-c", script], stdout=sys.stderr)
    if result.returncode != 0:
        print("check_page: could not install chromium, chromium-driver, selenium or pillow", file=sys.stderr)
        sys.exit(2)


def main():
    args = parse_args()
    url = page_url(args.page)
    ensure_installed()
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        print("check_page: selenium did not install", file=sys.stderr)
        return 2

    options = Options()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={args.width},{args.height}", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(binary):
            options.binary_location = binary
            break
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
    try:
        driver = webdriver.Chrome(service=Service(driver_path) if driver_path else Service(), options=options)
    except Exception as error:  # the browser would not start: not the page's fault
        print(f"check_page: could not start Chromium: {error}", file=sys.stderr)
        return 2

    failures = []
    try:
        driver.set_page_load_timeout(args.timeout)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {
            "media": "screen",
            "features": [{"name": "prefers-color-scheme", "value": "dark" if args.dark else "light"}],
        })
        driver.get(url)
        scheme = driver.execute_script("return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'")
        expected = "dark" if args.dark else "light"
        if scheme != expected:
            failures.append(f"the page saw prefers-color-scheme {scheme}, expected {expected}")

        if args.full_page:
            height = driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": args.width, "height": min(int(height), 30000), "deviceScaleFactor": 1, "mobile": False})
        png = driver.get_screenshot_as_png()

        for entry in driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                failures.append(f"console error: {entry.get('message')}")
    finally:
        driver.quit()

    if args.screenshot:
        out = Path(args.screenshot)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(png)
    colours, coverage = pixel_summary(png)
    if colours <= 1:
        failures.append("the screenshot is one flat colour (blank page)")
    elif coverage < 0.002:
        failures.append(f"the screenshot is almost blank ({coverage:.2%} of pixels differ from the background)")

    label = f"{args.page} ({'dark' if args.dark else 'light'})"
    if failures:
        for f in failures:
            print(f"check_page: {label}: {f}", file=sys.stderr)
        return 1
    print(f"check_page: {label}: ok, {colours} colours, {coverage:.1%} of pixels drawn"
          + (f", screenshot {args.screenshot}" if args.screenshot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
