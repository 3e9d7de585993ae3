"""Another application on the X display, for a test to switch to: a 1x1
window of its own (libX11 through ctypes, nothing drawn) that takes the
keyboard focus from every other window when told, as the app a person
switches to would. Prints "ready" once its window is mapped, then reads
lines from stdin:
  take          the focus is this window's (Reel's is no longer active)
  give WINDOW   the focus is WINDOW's (the person switched back to it)
answering "ok" to each; ends with stdin. (With no window manager, focus
otherwise follows the pointer.)"""
import ctypes
import sys

X = ctypes.CDLL("libX11.so.6")
X.XOpenDisplay.restype = ctypes.c_void_p
X.XOpenDisplay.argtypes = [ctypes.c_char_p]
X.XDefaultRootWindow.restype = ctypes.c_ulong
X.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
X.XCreateSimpleWindow.restype = ctypes.c_ulong
X.XCreateSimpleWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_int] * 2 + [ctypes.c_uint] * 3 + [ctypes.c_ulong] * 2
X.XMapWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
X.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
X.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
REVERT_TO_POINTER_ROOT, CURRENT_TIME = 1, 0

dpy = X.XOpenDisplay(None)
if not dpy:
    sys.exit("cannot open the X display")
window = X.XCreateSimpleWindow(dpy, X.XDefaultRootWindow(dpy), 0, 0, 1, 1, 0, 0, 0)
X.XMapWindow(dpy, window)
X.XSync(dpy, 0)
print("ready", flush=True)

for line in sys.stdin:
    what, _, other = line.strip().partition(" ")
    target = window if what == "take" else int(other, 0)
    X.XSetInputFocus(dpy, target, REVERT_TO_POINTER_ROOT, CURRENT_TIME)
    X.XSync(dpy, 0)
    print("ok", flush=True)
