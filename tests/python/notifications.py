"""A desktop's notification service (org.freedesktop.Notifications) on the
session bus, as GNOME Shell or a notification daemon would own it: every
notification an app sends is written to OUT_FILE as a JSON line (app name,
summary, body), so a test sees what a person would have seen. Prints
"ready" once it owns the name. Usage:
  notifications.py OUT_FILE"""
import json
import sys

from gi.repository import Gio, GLib

OUT = open(sys.argv[1], "a", encoding="utf-8")
XML = """<node><interface name="org.freedesktop.Notifications">
<method name="Notify">
  <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
  <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
  <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/><arg type="u" direction="out"/>
</method>
<method name="CloseNotification"><arg type="u" direction="in"/></method>
<method name="GetCapabilities"><arg type="as" direction="out"/></method>
<method name="GetServerInformation">
  <arg type="s" direction="out"/><arg type="s" direction="out"/><arg type="s" direction="out"/><arg type="s" direction="out"/>
</method>
<signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
<signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
</interface></node>"""
count = 0


def call(conn, sender, path, iface, method, params, invocation):
    global count
    if method == "Notify":
        app, replaces, _icon, summary, body = params.unpack()[:5]
        OUT.write(json.dumps({"app": app, "summary": summary, "body": body}) + "\n")
        OUT.flush()
        count += 1
        invocation.return_value(GLib.Variant("(u)", (replaces or count,)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("reel-tests", "reel", "1", "1.2")))
    else:
        invocation.return_value(None)


def acquired(conn, name):
    print("ready", flush=True)


def lost(conn, name):
    print(f"cannot own {name}", file=sys.stderr, flush=True)
    sys.exit(1)


def bus_acquired(conn, name):
    info = Gio.DBusNodeInfo.new_for_xml(XML)
    conn.register_object("/org/freedesktop/Notifications", info.interfaces[0], call, None, None)


Gio.bus_own_name(Gio.BusType.SESSION, "org.freedesktop.Notifications", Gio.BusNameOwnerFlags.NONE,
                 bus_acquired, acquired, lost)
GLib.MainLoop().run()
