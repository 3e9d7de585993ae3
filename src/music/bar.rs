//! The now-playing bar at the bottom of the window: cover, title and
//! artist, previous / play-pause / next, the position, repeat, shuffle and
//! volume. It stays while the user browses anywhere.

use super::queue_view::{QueueAction, QueueView};
use super::{MusicMsg, MusicPlayer};
use crate::i18n::{gettext, i18n_f};
use crate::widgets::labelled;
use reel_core::models::Repeat;
use relm4::gtk::prelude::*;
use relm4::{gtk, ComponentSender};
use std::cell::Cell;
use std::rc::Rc;

/// The cover's size in the bar (logical pixels).
pub const COVER: i32 = 48;

pub struct Bar {
    pub cover: gtk::Picture,
    pub title: gtk::Label,
    pub artist: gtk::Label,
    pub play: gtk::Button,
    pub previous: gtk::Button,
    pub next: gtk::Button,
    pub elapsed: gtk::Label,
    pub remaining: gtk::Label,
    pub scale: gtk::Scale,
    /// Set while the program moves the scale, so only the user's moves seek.
    pub moving_scale: Rc<Cell<bool>>,
    pub repeat: gtk::Button,
    pub shuffle: gtk::ToggleButton,
    /// Set while the program sets the toggle, so only the user's clicks count.
    pub setting_shuffle: Rc<Cell<bool>>,
    pub queue: QueueView,
}

fn icon_button(icon: &str, name: &str, sender: &ComponentSender<MusicPlayer>, msg: fn() -> MusicMsg) -> gtk::Button {
    let b = gtk::Button::from_icon_name(icon);
    b.add_css_class("flat");
    b.set_valign(gtk::Align::Center);
    b.set_tooltip_text(Some(name));
    labelled(&b, name);
    let s = sender.clone();
    b.connect_clicked(move |_| s.input(msg()));
    b
}

pub fn build(root: &gtk::Revealer, sender: &ComponentSender<MusicPlayer>) -> Bar {
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    bar.add_css_class("toolbar");
    bar.set_margin_start(6);
    bar.set_margin_end(6);
    labelled(&bar, &gettext("Now playing"));

    let cover = gtk::Picture::new();
    cover.set_size_request(COVER, COVER);
    cover.set_content_fit(gtk::ContentFit::Cover);
    cover.set_can_shrink(true);
    cover.set_valign(gtk::Align::Center);
    cover.add_css_class("card");
    bar.append(&cover);

    let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
    text.set_valign(gtk::Align::Center);
    text.set_width_request(160);
    let title = gtk::Label::new(None);
    title.add_css_class("heading");
    title.set_xalign(0.0);
    title.set_ellipsize(gtk::pango::EllipsizeMode::End);
    title.set_max_width_chars(28);
    let artist = gtk::Label::new(None);
    artist.add_css_class(crate::style::DIM);
    artist.add_css_class("caption");
    artist.set_xalign(0.0);
    artist.set_ellipsize(gtk::pango::EllipsizeMode::End);
    artist.set_max_width_chars(28);
    text.append(&title);
    text.append(&artist);
    bar.append(&text);

    let previous =
        icon_button("media-skip-backward-symbolic", &gettext("Previous Track"), sender, || MusicMsg::Previous);
    let play = icon_button("media-playback-start-symbolic", &gettext("Play"), sender, || MusicMsg::TogglePlay);
    play.add_css_class("circular");
    let next = icon_button("media-skip-forward-symbolic", &gettext("Next Track"), sender, || MusicMsg::Next);
    bar.append(&previous);
    bar.append(&play);
    bar.append(&next);

    let zero = reel_words::clock(0);
    let elapsed = gtk::Label::new(Some(&zero));
    labelled(&elapsed, &i18n_f("Elapsed {}", &[&zero]));
    elapsed.add_css_class("numeric");
    elapsed.add_css_class("caption");
    let remaining = gtk::Label::new(Some(&format!("-{zero}")));
    labelled(&remaining, &i18n_f("Remaining {}", &[&zero]));
    remaining.add_css_class("numeric");
    remaining.add_css_class("caption");
    let scale = gtk::Scale::with_range(gtk::Orientation::Horizontal, 0.0, 1.0, 1000.0);
    scale.set_hexpand(true);
    scale.set_draw_value(false);
    scale.set_valign(gtk::Align::Center);
    labelled(&scale, &gettext("Position"));
    let moving_scale = Rc::new(Cell::new(false));
    {
        let (s, moving) = (sender.clone(), moving_scale.clone());
        scale.connect_value_changed(move |sc| {
            if !moving.get() {
                s.input(MusicMsg::SeekTo(sc.value().max(0.0) as u64));
            }
        });
    }
    bar.append(&elapsed);
    bar.append(&scale);
    bar.append(&remaining);

    let repeat =
        icon_button("media-playlist-consecutive-symbolic", &gettext("Repeat"), sender, || MusicMsg::CycleRepeat);
    let shuffle = gtk::ToggleButton::new();
    shuffle.set_icon_name("media-playlist-shuffle-symbolic");
    shuffle.add_css_class("flat");
    shuffle.set_valign(gtk::Align::Center);
    shuffle.set_tooltip_text(Some(&gettext("Shuffle")));
    labelled(&shuffle, &gettext("Shuffle"));
    let setting_shuffle = Rc::new(Cell::new(false));
    {
        let (s, setting) = (sender.clone(), setting_shuffle.clone());
        shuffle.connect_toggled(move |b| {
            if !setting.get() {
                s.input(MusicMsg::SetShuffle(b.is_active()));
            }
        });
    }
    let volume = crate::widgets::volume_button();
    volume.set_valign(gtk::Align::Center);
    {
        let s = sender.clone();
        volume.connect_value_changed(move |_, v| s.input(MusicMsg::SetVolume(v)));
    }
    let queue = {
        let s = sender.clone();
        QueueView::new(move |entry| s.input(MusicMsg::Queue(QueueAction::Play, entry)))
    };
    bar.append(&repeat);
    bar.append(&shuffle);
    bar.append(&volume);
    bar.append(&queue.button);

    let frame = gtk::Box::new(gtk::Orientation::Vertical, 0);
    frame.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
    frame.append(&bar);
    root.set_child(Some(&frame));
    Bar {
        cover,
        title,
        artist,
        play,
        previous,
        next,
        elapsed,
        remaining,
        scale,
        moving_scale,
        repeat,
        shuffle,
        setting_shuffle,
        queue,
    }
}

impl Bar {
    pub fn show_playing(&self, playing: bool) {
        let (icon, name) = if playing {
            ("media-playback-pause-symbolic", gettext("Pause"))
        } else {
            ("media-playback-start-symbolic", gettext("Play"))
        };
        self.play.set_icon_name(icon);
        self.play.set_tooltip_text(Some(&name));
        labelled(&self.play, &name);
    }

    pub fn show_position(&self, position_ms: u64, duration_ms: u64) {
        use reel_words::clock;
        self.moving_scale.set(true);
        self.scale.set_range(0.0, duration_ms.max(1) as f64);
        self.scale.set_value(position_ms as f64);
        self.moving_scale.set(false);
        let (now, left) = (clock(position_ms), clock(duration_ms.saturating_sub(position_ms)));
        if self.elapsed.text() != now {
            self.elapsed.set_text(&now);
            labelled(&self.elapsed, &i18n_f("Elapsed {}", &[&now]));
        }
        if self.remaining.text() != format!("-{left}") {
            self.remaining.set_text(&format!("-{left}"));
            labelled(&self.remaining, &i18n_f("Remaining {}", &[&left]));
        }
    }

    pub fn show_repeat(&self, repeat: Repeat) {
        let (icon, name) = match repeat {
            Repeat::Off => ("media-playlist-consecutive-symbolic", gettext("Repeat: Off")),
            Repeat::All => ("media-playlist-repeat-symbolic", gettext("Repeat: All")),
            Repeat::One => ("media-playlist-repeat-song-symbolic", gettext("Repeat: This Track")),
        };
        self.repeat.set_icon_name(icon);
        self.repeat.set_tooltip_text(Some(&name));
        labelled(&self.repeat, &name);
    }

    pub fn show_shuffle(&self, on: bool) {
        self.setting_shuffle.set(true);
        self.shuffle.set_active(on);
        self.setting_shuffle.set(false);
    }
}
