"""Reads what an application shows through the accessibility tree (AT-SPI),
as a person's screen reader would. Usage:
  atspi_find.py APP_NAME TIMEOUT_S NAME [NAME...]
Waits until every NAME is the accessible name of some node of
APP_NAME (substring match) — or, for a NAME written !NAME, of none — then
prints the tree's (role, name) pairs as JSON and exits 0; exits 1 with what it
did see when the time runs out."""
import json
import sys
import time

import pyatspi

app_name, timeout, wanted = sys.argv[1], float(sys.argv[2]), sys.argv[3:]


def walk(node, depth=0, out=None):
    out = [] if out is None else out
    if node is None or depth > 60:
        return out
    try:
        out.append((node.getRoleName(), node.name or ""))
        for i in range(node.childCount):
            walk(node.getChildAtIndex(i), depth + 1, out)
    except Exception:
        pass
    return out


# GTK 4.8 answers a tree walk wrongly while widgets are being added (a NULL
# object path: a GLib critical in the app). Walk after the UI
# has had a moment to settle, and not too often (0.3 s tried: a busy run's
# sign-in went down so).
SETTLE, AGAIN = 1.0, 1.0
deadline = time.time() + timeout
seen = []
time.sleep(SETTLE)
first = True
while time.time() < deadline:
    if not first:
        time.sleep(AGAIN)
    first = False
    try:
        desktop = pyatspi.Registry.getDesktop(0)
        apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
        apps = [a for a in apps if a is not None and (a.name or "").lower() == app_name.lower()]
        seen = [pair for a in apps for pair in walk(a)]
    except Exception as e:  # a D-Bus call timing out on a busy machine: try again
        print(f"retrying after: {e}", file=sys.stderr)
        continue
    names = [n for _, n in seen]
    present = [w for w in wanted if not w.startswith("!")]
    absent = [w[1:] for w in wanted if w.startswith("!")]
    if apps and all(any(w in n for n in names) for w in present) and not any(w in n for w in absent for n in names):
        print(json.dumps(seen))
        sys.exit(0)
print(json.dumps(seen))
names = [n for _, n in seen]
missing = [w for w in wanted if (w.startswith("!") and any(w[1:] in n for n in names)) or (not w.startswith("!") and not any(w in n for n in names))]
print(f"not found in {app_name}'s accessibility tree: {missing}", file=sys.stderr)
sys.exit(1)
