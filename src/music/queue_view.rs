//! The queue, opened from the bar: every entry (the one playing marked), a
//! click plays it, and each row's menu moves it up or down, plays it next
//! or removes it. The changes are window actions (`win.queue-*`, the entry's
//! id as parameter), so the menus, the shortcuts and the tests reach the
//! same ones; the server's play queue makes each change.

use crate::i18n::{gettext, i18n_f};
use crate::widgets::labelled;
use reel_core::models::QueueEntry;
use reel_core::playback::Fault;
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gio, glib};
use std::collections::BTreeMap;
use std::rc::Rc;

/// What can be done with an entry of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueAction {
    /// Play it now.
    Play,
    /// Right after the entry playing.
    PlayNext,
    MoveUp,
    MoveDown,
    Remove,
}

impl QueueAction {
    pub const ALL: [QueueAction; 5] =
        [QueueAction::Play, QueueAction::PlayNext, QueueAction::MoveUp, QueueAction::MoveDown, QueueAction::Remove];

    /// Its window action's name (`win.` + this); the parameter is the entry's id (int64).
    pub fn name(self) -> &'static str {
        match self {
            QueueAction::Play => "queue-play",
            QueueAction::PlayNext => "queue-play-next",
            QueueAction::MoveUp => "queue-move-up",
            QueueAction::MoveDown => "queue-move-down",
            QueueAction::Remove => "queue-remove",
        }
    }

    fn label(self) -> String {
        match self {
            QueueAction::Play => gettext("Play"),
            QueueAction::PlayNext => gettext("Play Next"),
            QueueAction::MoveUp => gettext("Move Up"),
            QueueAction::MoveDown => gettext("Move Down"),
            QueueAction::Remove => gettext("Remove from Queue"),
        }
    }
}

/// One row: an entry as the queue shows it.
struct Row {
    id: u64,
    title: String,
    subtitle: String,
    playing: bool,
    /// Why it was skipped, when it could not be played.
    skipped: Option<String>,
}

pub struct QueueView {
    pub button: gtk::MenuButton,
    store: gio::ListStore,
}

impl QueueView {
    /// `play` gets the id of an entry clicked.
    pub fn new(play: impl Fn(u64) + 'static) -> Self {
        let play: Rc<dyn Fn(u64)> = Rc::new(play);
        let store = gio::ListStore::new::<glib::BoxedAnyObject>();
        let factory = gtk::SignalListItemFactory::new();
        factory.connect_setup(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
            item.set_child(Some(&row_widget()));
        });
        factory.connect_bind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
            let (Some(root), Some(row)) =
                (item.child().and_downcast::<gtk::Box>(), item.item().and_downcast::<glib::BoxedAnyObject>())
            else {
                return;
            };
            bind_row(&root, &row.borrow::<Row>());
        });
        let list = gtk::ListView::new(Some(gtk::NoSelection::new(Some(store.clone()))), Some(factory));
        list.add_css_class("navigation-sidebar");
        list.set_single_click_activate(true);
        // Wide enough for a title and its artist (the popover sizes to its child).
        list.set_size_request(360, -1);
        labelled(&list, &gettext("Queue"));
        {
            let store = store.clone();
            list.connect_activate(move |_, pos| {
                if let Some(row) = store.item(pos).and_downcast::<glib::BoxedAnyObject>() {
                    play(row.borrow::<Row>().id);
                }
            });
        }
        let scroller = gtk::ScrolledWindow::builder()
            .child(&list)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .min_content_width(360)
            .max_content_height(420)
            .propagate_natural_height(true)
            .build();
        let popover = gtk::Popover::builder().child(&scroller).build();
        let button = gtk::MenuButton::builder().icon_name("view-list-symbolic").popover(&popover).build();
        button.add_css_class("flat");
        button.set_valign(gtk::Align::Center);
        button.set_tooltip_text(Some(&gettext("Queue")));
        labelled(&button, &gettext("Queue"));
        lift_when_closed(&button, &popover);
        QueueView { button, store }
    }

    /// Shows the queue's entries, `current` marked as playing and those in
    /// `skipped` with the reason (all of them; the list builds only the
    /// rows in view).
    pub fn show(&self, entries: &[QueueEntry], current: Option<usize>, skipped: &BTreeMap<u64, Fault>) {
        let rows: Vec<glib::BoxedAnyObject> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let row = Row {
                    id: e.id,
                    title: e.item.title.clone(),
                    subtitle: e.item.grandparent_title.clone().unwrap_or_default(),
                    playing: Some(i) == current,
                    skipped: skipped.get(&e.id).map(super::drive::skipped_because),
                };
                glib::BoxedAnyObject::new(row)
            })
            .collect();
        self.store.splice(0, self.store.n_items(), &rows);
    }
}

/// GTK 4.8 can leave a menu button pressed with its popover closed (the
/// press that closed it, under load); the next press then only lifts the
/// button, and the queue does not open until a third. Once the popover
/// has closed, the button is lifted with it.
fn lift_when_closed(button: &gtk::MenuButton, popover: &gtk::Popover) {
    let button = button.downgrade();
    popover.connect_closed(move |popover| {
        let (button, popover) = (button.clone(), popover.downgrade());
        glib::idle_add_local_once(move || {
            let (Some(button), Some(popover)) = (button.upgrade(), popover.upgrade()) else { return };
            let Some(toggle) = button.first_child().and_downcast::<gtk::ToggleButton>() else { return };
            if toggle.is_active() && !popover.is_visible() {
                tracing::debug!("the queue's button was left pressed with the queue closed: lifted");
                toggle.set_active(false);
            }
        });
    });
}

fn row_widget() -> gtk::Box {
    let root = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    let playing = gtk::Image::from_icon_name("media-playback-start-symbolic");
    let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
    text.set_hexpand(true);
    let title = gtk::Label::new(None);
    title.set_xalign(0.0);
    title.set_ellipsize(gtk::pango::EllipsizeMode::End);
    let subtitle = gtk::Label::new(None);
    subtitle.set_xalign(0.0);
    subtitle.set_ellipsize(gtk::pango::EllipsizeMode::End);
    subtitle.add_css_class(crate::style::DIM);
    subtitle.add_css_class("caption");
    text.append(&title);
    text.append(&subtitle);
    let menu = gtk::MenuButton::builder().icon_name("view-more-symbolic").build();
    menu.add_css_class("flat");
    crate::widgets::options_tooltip(&menu, &title);
    root.append(&playing);
    root.append(&text);
    root.append(&menu);
    root
}

fn bind_row(root: &gtk::Box, row: &Row) {
    let Some(playing) = root.first_child() else { return };
    let Some(text) = playing.next_sibling() else { return };
    let Some(menu) = text.next_sibling().and_downcast::<gtk::MenuButton>() else { return };
    let (Some(title), Some(subtitle)) =
        (text.first_child().and_downcast::<gtk::Label>(), text.last_child().and_downcast::<gtk::Label>())
    else {
        return;
    };
    // Kept in its place (not hidden) so the titles line up.
    playing.set_opacity(if row.playing { 1.0 } else { 0.0 });
    title.set_text(&row.title);
    // The reason can be long: cut short in the row, whole in its tooltip.
    let reason = row.skipped.as_ref().map(|why| i18n_f("Skipped: {}", &[why]));
    subtitle.set_text(reason.as_deref().unwrap_or(&row.subtitle));
    subtitle.set_tooltip_text(reason.as_deref());
    let name = match (row.playing, &row.skipped) {
        (true, _) => i18n_f("{}, playing", &[&row.title]),
        // Translators: a queue entry that could not be played; {} is its title.
        (false, Some(_)) => i18n_f("{}, skipped", &[&row.title]),
        (false, None) => row.title.clone(),
    };
    root.update_property(&[gtk::accessible::Property::Label(&name)]);
    labelled(&menu, &crate::widgets::options_for(&row.title));
    let model = gio::Menu::new();
    for a in QueueAction::ALL.into_iter().filter(|a| *a != QueueAction::Play) {
        let item = gio::MenuItem::new(Some(&a.label()), None);
        item.set_action_and_target_value(Some(&format!("win.{}", a.name())), Some(&(row.id as i64).to_variant()));
        model.append_item(&item);
    }
    menu.set_menu_model(Some(&model));
}
