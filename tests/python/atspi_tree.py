"""What the AT-SPI scripts share: where a node is laid out, and the first
laid-out node of a tree that a test wants."""
import pyatspi


def extents(node):
    """A node's place in its window, or None when it is not laid out
    (GTK 4.8 reports hidden stack pages as visible: a size decides)."""
    try:
        e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return e if e.width > 0 and e.height > 0 else None
    except Exception:
        return None


def find(node, wanted, role=None, depth=0):
    """The first node under `node` whose name `wanted(name)` accepts, of
    `role` if given, that is laid out. A node that vanished mid-walk is
    skipped, not the end of the search."""
    if node is None or depth > 60:
        return None
    try:
        if wanted(node.name or "") and (role is None or node.getRoleName() == role) and extents(node):
            return node
        count = node.childCount
    except Exception:
        return None
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        hit = find(child, wanted, role, depth + 1)
        if hit is not None:
            return hit
    return None
