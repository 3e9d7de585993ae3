"""Drives an application with the keyboard alone and says, after each key,
what has the keyboard focus, as a screen reader announces it. Usage:
  atspi_keys.py APP_NAME KEY [KEY...]
Each KEY is pressed with xdotool on $DISPLAY (its key names: Tab,
shift+Tab, Down, Return, space...); KEY~NAME presses KEY again until the
focused node's name holds NAME (at most 60 times), one step. The focus is heard as a screen reader
hears it, from the application's focus events; a key after which none
comes is followed by a look through the whole tree for the focused node.
Prints a JSON list of [key, role, name] (role and name empty when nothing
had the focus) and exits 0; exits 1 when the application is not on the bus."""
import json
import subprocess
import sys

import pyatspi
from gi.repository import GLib

app_name, keys = sys.argv[1], sys.argv[2:]
# How long after a key its focus event may come (a page that opens first).
QUIET_MS = 700


def app():
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    return next((a for a in apps if a is not None and (a.name or "").lower() == app_name.lower()), None)


def focused(node, depth=0):
    """The node whose state is focused (GTK 4.8 says `showing` of the
    window alone, so hidden pages are walked too)."""
    if node is None or depth > 60:
        return None
    try:
        if node.getState().contains(pyatspi.STATE_FOCUSED) and depth > 1:
            return node
        for i in range(node.childCount):
            found = focused(node.getChildAtIndex(i), depth + 1)
            if found is not None:
                return found
    except Exception:
        pass
    return None


def described(node):
    try:
        return (node.getRoleName(), node.name or "") if node is not None else ("", "")
    except Exception:
        return ("", "")


if app() is None:
    print(f"{app_name} is not on the accessibility bus", file=sys.stderr)
    sys.exit(1)

state = {"heard": None, "step": 0, "out": []}


def on_focus(event):
    try:
        if event.detail1 == 1 and (event.host_application.name or "").lower() == app_name.lower():
            # Described once the key settled: a page shown with the focus
            # names its controls a moment later, as a screen reader then says.
            state["heard"] = event.source
    except Exception:
        pass


def press_next():
    if state["step"] >= len(keys):
        pyatspi.Registry.stop()
        return False
    state["heard"] = None
    key = keys[state["step"]].split("~", 1)[0]
    subprocess.run(["xdotool", "key", "--clearmodifiers", key], check=True)
    state["presses"] = state.get("presses", 0) + 1
    GLib.timeout_add(QUIET_MS, settled)
    return False


def settled():
    source = state["heard"] if state["heard"] is not None else focused(app())
    heard = described(source)
    step = keys[state["step"]]
    until = step.split("~", 1)[1] if "~" in step else None
    if until is not None and until not in heard[1] and state["presses"] < 60:
        GLib.idle_add(press_next)
        return False
    state["out"].append([step, heard[0], heard[1]])
    state["step"] += 1
    state["presses"] = 0
    GLib.idle_add(press_next)
    return False


pyatspi.Registry.registerEventListener(on_focus, "object:state-changed:focused")
GLib.idle_add(press_next)
pyatspi.Registry.start()
print(json.dumps(state["out"]))
