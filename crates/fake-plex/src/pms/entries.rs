//! The ordered entries of a play queue or a playlist, each (its id, the
//! library item's index): moved and removed the same way for both.

/// Where entry `id` is.
pub fn position(items: &[(u64, usize)], id: u64) -> Option<usize> {
    items.iter().position(|&(i, _)| i == id)
}

/// Moves entry `id` right after `after` (`None`: to the top). `None` when
/// either is not there, or they are the same: nothing changes then.
pub fn move_entry(items: &mut Vec<(u64, usize)>, id: u64, after: Option<u64>) -> Option<()> {
    let from = position(items, id)?;
    if after.is_some_and(|a| a == id || position(items, a).is_none()) {
        return None;
    }
    let moved = items.remove(from);
    let to = after.and_then(|a| position(items, a)).map_or(0, |pos| pos + 1);
    items.insert(to, moved);
    Some(())
}

/// Removes entry `id`; where it was (`None`: not there).
pub fn remove_entry(items: &mut Vec<(u64, usize)>, id: u64) -> Option<usize> {
    let at = position(items, id)?;
    items.remove(at);
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_and_removals_keep_the_rest_in_order() {
        let mut items = vec![(1, 0), (2, 0), (3, 0)];
        assert_eq!(move_entry(&mut items, 3, None), Some(()));
        assert_eq!(items.iter().map(|e| e.0).collect::<Vec<_>>(), [3, 1, 2]);
        assert_eq!(move_entry(&mut items, 3, Some(2)), Some(()));
        assert_eq!(items.iter().map(|e| e.0).collect::<Vec<_>>(), [1, 2, 3]);
        // After itself, or after one not there: nothing moves, nothing is lost.
        assert_eq!(move_entry(&mut items, 2, Some(2)), None);
        assert_eq!(move_entry(&mut items, 2, Some(9)), None);
        assert_eq!(items.len(), 3);
        assert_eq!(remove_entry(&mut items, 2), Some(1));
        assert_eq!(remove_entry(&mut items, 2), None);
        assert_eq!(items.iter().map(|e| e.0).collect::<Vec<_>>(), [1, 3]);
    }
}
