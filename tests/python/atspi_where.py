"""Prints where an application shows a node, as its toolkit says through
AT-SPI: "X Y WIDTH HEIGHT" (window coordinates) of the first node of
APP_NAME with role ROLE whose accessible name holds NAME and that is
laid out (GTK 4.8 lists hidden pages too: a size decides). Exits 1 when
there is none. Usage: atspi_where.py APP_NAME ROLE NAME"""
import sys

import pyatspi
from atspi_tree import extents, find

app_name, role, wanted = sys.argv[1], sys.argv[2], sys.argv[3]

desktop = pyatspi.Registry.getDesktop(0)
for i in range(desktop.childCount):
    app = desktop.getChildAtIndex(i)
    if app is None or (app.name or "").lower() != app_name.lower():
        continue
    node = find(app, lambda name: wanted in name, role)
    if node is not None:
        e = extents(node)
        print(e.x, e.y, e.width, e.height)
        sys.exit(0)
print(f"no {role} named {wanted!r} laid out in {app_name}", file=sys.stderr)
sys.exit(1)
