//! Whose turn it is: at most two downloads run at once, in the order they
//! were asked for; one a stopped run left running goes on first.

use crate::models::{Download, DownloadState};

/// How many downloads run at once: more would split the same link and
/// starve a playback running meanwhile.
pub const AT_ONCE: usize = 2;

/// The downloads to run now, given `all` in the order they were asked for
/// and how many are `running` already.
pub fn next(all: &[Download], running: usize) -> Vec<&Download> {
    let free = AT_ONCE.saturating_sub(running);
    // Left running by a run that stopped (a restart, kill -9): first.
    let left = all.iter().filter(|d| d.state == DownloadState::Running);
    let queued = all.iter().filter(|d| d.state == DownloadState::Queued);
    left.chain(queued).take(free).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ItemKind;

    fn d(key: &str, state: DownloadState) -> Download {
        Download {
            source_id: crate::SourceId::new("s"),
            rating_key: crate::ItemKey::new(key),
            title: key.into(),
            kind: ItemKind::Movie,
            part_key: format!("/library/parts/{key}/1/file.mkv"),
            size: Some(10),
            state,
            fault: None,
            fetched: 0,
            file: key.into(),
            bytes_per_second: None,
            within: Vec::new(),
            quality: Default::default(),
            converting: false,
        }
    }

    fn keys(v: Vec<&Download>) -> Vec<&str> {
        v.into_iter().map(|d| d.rating_key.as_str()).collect()
    }

    #[test]
    fn two_at_once_in_order_and_what_was_left_running_first() {
        use DownloadState::*;
        let all = vec![d("a", Done), d("b", Queued), d("c", Paused), d("d", Queued), d("e", Running), d("f", Queued)];
        assert_eq!(keys(next(&all, 0)), ["e", "b"]);
        assert_eq!(keys(next(&all, 1)), ["e"]);
        assert!(next(&all, 2).is_empty(), "never more than two");
        let none = vec![d("a", Done), d("b", Failed), d("c", Paused)];
        assert!(next(&none, 0).is_empty(), "failed and paused wait to be asked again");
    }
}
