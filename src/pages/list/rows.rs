//! A list's entries as its page shows them, and what can be done with one
//! entry of a playlist (move it up or down, remove it): window actions
//! (`win.list-*`, the entry's id as parameter), so the row menus and the
//! tests reach the same ones.

use crate::i18n::gettext;
use crate::widgets::child_list::RowText;
use reel_core::models::{DownloadMark, Downloaded, ItemKind, PlaylistEntry};
use relm4::gtk::gio;
use relm4::gtk::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListAction {
    MoveUp,
    MoveDown,
    Remove,
}

impl ListAction {
    pub const ALL: [ListAction; 3] = [ListAction::MoveUp, ListAction::MoveDown, ListAction::Remove];

    /// Its window action's name (`win.` + this); the parameter is the entry's id (int64).
    pub fn name(self) -> &'static str {
        match self {
            ListAction::MoveUp => "list-move-up",
            ListAction::MoveDown => "list-move-down",
            ListAction::Remove => "list-remove",
        }
    }

    fn label(self) -> String {
        match self {
            ListAction::MoveUp => gettext("Move Up"),
            ListAction::MoveDown => gettext("Move Down"),
            ListAction::Remove => gettext("Remove from Playlist"),
        }
    }
}

/// An entry's row: a track with its artist and album, an episode with its
/// show, anything with its length; marked when `downloaded` has it.
pub fn row(e: &PlaylistEntry, downloaded: &Downloaded) -> RowText {
    let item = &e.item;
    let mut sub = Vec::new();
    match item.kind {
        ItemKind::Track => {
            let by = [item.grandparent_title.as_deref(), item.parent_title.as_deref()];
            let by: Vec<&str> = by.into_iter().flatten().filter(|s| !s.is_empty()).collect();
            if !by.is_empty() {
                sub.push(by.join(" — "));
            }
        }
        ItemKind::Episode => sub.extend(item.grandparent_title.clone()),
        _ => sub.extend(item.year.map(|y| y.to_string())),
    }
    if let Some(d) = item.duration_ms.filter(|d| *d > 0) {
        sub.push(if item.kind == ItemKind::Track {
            reel_words::clock(d as u64)
        } else {
            crate::pages::item::duration(d)
        });
    }
    if let Some(n) = item.leaf_count {
        sub.push(crate::i18n::ni18n_f("{} item", "{} items", n.max(0) as u64, &[]));
    }
    let mark = downloaded.mark(item.rating_key.as_str());
    if mark == Some(DownloadMark::Here) {
        sub.push(gettext("Downloaded"));
    }
    RowText::plain(item.title.clone(), sub.join(" · "), mark)
}

/// The menu of a playlist's entry `id`: the moves it can make, and removal.
pub fn menu(id: u64, first: bool, last: bool) -> gio::MenuModel {
    let model = gio::Menu::new();
    for a in ListAction::ALL {
        if (a == ListAction::MoveUp && first) || (a == ListAction::MoveDown && last) {
            continue;
        }
        let item = gio::MenuItem::new(Some(&a.label()), None);
        item.set_action_and_target_value(Some(&format!("win.{}", a.name())), Some(&(id as i64).to_variant()));
        model.append_item(&item);
    }
    model.upcast()
}

/// Where an entry goes when moved: after which entry (`None`: to the top);
/// `None` overall when it cannot move that way.
pub fn move_target(ids: &[u64], id: u64, a: ListAction) -> Option<Option<u64>> {
    let i = ids.iter().position(|x| *x == id)?;
    match a {
        ListAction::MoveUp if i > 0 => Some(i.checked_sub(2).map(|k| ids[k])),
        ListAction::MoveDown if i + 1 < ids.len() => Some(Some(ids[i + 1])),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_name_the_entry_to_follow() {
        let ids = [10, 20, 30];
        assert_eq!(move_target(&ids, 20, ListAction::MoveUp), Some(None), "to the top");
        assert_eq!(move_target(&ids, 30, ListAction::MoveUp), Some(Some(10)));
        assert_eq!(move_target(&ids, 10, ListAction::MoveDown), Some(Some(20)));
        assert_eq!(move_target(&ids, 10, ListAction::MoveUp), None, "already first");
        assert_eq!(move_target(&ids, 30, ListAction::MoveDown), None, "already last");
        assert_eq!(move_target(&ids, 99, ListAction::MoveDown), None, "not there");
    }
}
