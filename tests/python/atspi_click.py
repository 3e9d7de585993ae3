"""Clicks, like a person with a mouse, the first node of APP_NAME whose
accessible name contains NAME (written =NAME: is NAME exactly): finds it
through AT-SPI, takes its on-screen extents, and clicks their centre with
xdotool. Usage:
  atspi_click.py APP_NAME TIMEOUT_S NAME [ROLE]"""
import subprocess
import sys
import time

import pyatspi
from atspi_tree import extents, find

app_name, timeout, wanted = sys.argv[1], float(sys.argv[2]), sys.argv[3]
exact = wanted.startswith("=")
if exact:
    wanted = wanted[1:]


def matches(name):
    return name == wanted if exact else wanted in name
role = sys.argv[4] if len(sys.argv) > 4 else None


# GTK 4.8 answers a tree walk wrongly while widgets are being added (a NULL
# object path; the app then drops out of the registry). Walk only after the
# UI has had a moment to settle, and not too often.
SETTLE, AGAIN = 1.0, 1.0
deadline = time.time() + timeout
def attempt():
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        if app is None or (app.name or "").lower() != app_name.lower():
            continue
        node = find(app, matches, role)
        if node is None:
            continue
        ext = extents(node)
        x, y = ext.x + ext.width // 2, ext.y + ext.height // 2
        what = f"{node.getRoleName()} {node.name!r}"
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True)
        print(f"clicked {what} at {x},{y}")
        return True
    return False


time.sleep(SETTLE)
first = True
while time.time() < deadline:
    if not first:
        time.sleep(AGAIN)
    first = False
    try:
        if attempt():
            sys.exit(0)
    except (subprocess.CalledProcessError, SystemExit):
        raise
    except Exception as e:  # a D-Bus call timing out on a busy machine: try again
        print(f"retrying after: {e}", file=sys.stderr)


def matches(node, depth=0, out=None):
    out = [] if out is None else out
    if node is None or depth > 60:
        return out
    try:
        if wanted in (node.name or ""):
            e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
            out.append(f"{node.getRoleName()} {node.name!r} extents=({e.x},{e.y},{e.width},{e.height})")
        for i in range(node.childCount):
            matches(node.getChildAtIndex(i), depth + 1, out)
    except Exception as ex:
        out.append(f"error {ex}")
    return out


desktop = pyatspi.Registry.getDesktop(0)
seen = [m for i in range(desktop.childCount) for m in matches(desktop.getChildAtIndex(i))]
def names(node, depth=0, out=None):
    out = [] if out is None else out
    try:
        if node.name:
            out.append(node.name)
        for i in range(node.childCount):
            names(node.getChildAtIndex(i), depth + 1, out)
    except Exception:
        pass
    return out


everything = [n for i in range(desktop.childCount) for n in names(desktop.getChildAtIndex(i))]
print(f"nothing named {wanted!r} to click in {app_name}; matches: {seen}; all names: {everything}", file=sys.stderr)
sys.exit(1)
