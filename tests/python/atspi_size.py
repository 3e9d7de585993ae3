"""Prints the size an application's window is drawn at, as its toolkit
says through AT-SPI ("WIDTH HEIGHT" of its first frame), or nothing when
it has none yet. Usage: atspi_size.py APP_NAME"""
import sys

import pyatspi

app_name = sys.argv[1]
try:
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    for a in apps:
        if a is None or (a.name or "").lower() != app_name.lower():
            continue
        for i in range(a.childCount):
            frame = a.getChildAtIndex(i)
            if frame is not None and frame.getRoleName() == "frame":
                e = frame.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
                print(e.width, e.height)
                sys.exit(0)
except Exception as e:  # a D-Bus call timing out on a busy machine: nothing yet
    print(e, file=sys.stderr)
