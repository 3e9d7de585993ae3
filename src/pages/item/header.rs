//! The item page's header: poster, title, what is known of it, summary,
//! and the buttons the item can use (Play, Shuffle for music, the watched
//! mark).

use super::ItemMsg;
use crate::i18n::{gettext, i18n_f, ni18n_f};
use crate::widgets::poster::{placeholder_icon, poster_slot, PosterSize, PosterSlot, Shape};
use reel_core::models::{ItemDetails, MediaItem, RatedBy, Rating, RatingSource};
use relm4::adw::prelude::*;
use relm4::{gtk, ComponentSender};

pub struct Header {
    pub root: gtk::Box,
    /// The item's picture: a poster, a square cover, an episode's still.
    picture: PosterSlot,
    shape: std::cell::Cell<Shape>,
    title: gtk::Label,
    meta: gtk::Label,
    /// Its content rating, studio and ratings, from its details.
    facts: gtk::Label,
    tagline: gtk::Label,
    summary: gtk::Label,
    /// Who directed and wrote it.
    credits: gtk::Label,
    pub watched: gtk::Button,
    /// "Add to Playlist": its menu is the page's to fill.
    pub add: gtk::MenuButton,
    play: gtk::Button,
    shuffle: gtk::Button,
    /// Keeps the item (or all it holds) to play with no network; says how
    /// its download stands.
    download: gtk::Button,
    /// A show's "keep the next episodes downloaded" rule.
    keep: gtk::MenuButton,
}

/// What the download button shows.
#[derive(Debug)]
pub enum DownloadShown {
    /// Asked for, not queued yet.
    Asked,
    /// The item's own file.
    Is(reel_core::models::Download),
    /// The files of what it holds (a season's episodes), together.
    Holds(reel_core::models::DownloadsOf),
}

/// A pill button sending `msg` when clicked.
fn pill(icon: &str, label: &str, sender: &ComponentSender<super::ItemPage>, msg: fn() -> ItemMsg) -> gtk::Button {
    let b = crate::widgets::pill(icon, label);
    let s = sender.clone();
    b.connect_clicked(move |_| s.input(msg()));
    b
}

/// Shows `text` on `label`; an empty line takes no room.
fn set_line(label: &gtk::Label, text: &str) {
    label.set_text(text);
    label.set_visible(!text.is_empty());
}

/// A rating in words: "Rotten Tomatoes 73%", "Audience 6.5", "IMDb 7.7".
fn rating_words(r: &Rating) -> String {
    let by_audience = r.by == RatedBy::Audience;
    match r.source {
        // Rotten Tomatoes' scores are percentages.
        RatingSource::RottenTomatoes => {
            let percent = format!("{:.0}", r.value * 10.0);
            if by_audience {
                i18n_f("Rotten Tomatoes audience {}%", &[&percent])
            } else {
                i18n_f("Rotten Tomatoes critics {}%", &[&percent])
            }
        }
        RatingSource::Imdb => i18n_f("IMDb {}", &[&format!("{:.1}", r.value)]),
        RatingSource::TheMovieDb => i18n_f("TMDB {}", &[&format!("{:.1}", r.value)]),
        RatingSource::Other if by_audience => i18n_f("Audience {}", &[&format!("{:.1}", r.value)]),
        RatingSource::Other => i18n_f("Critics {}", &[&format!("{:.1}", r.value)]),
    }
}

fn label(css: Option<&str>, selectable: bool) -> gtk::Label {
    let l = gtk::Label::new(None);
    if let Some(css) = css {
        l.add_css_class(css);
    }
    l.set_wrap(true);
    l.set_xalign(0.0);
    l.set_selectable(selectable);
    l
}

impl Header {
    pub fn build(sender: &ComponentSender<super::ItemPage>) -> Self {
        let root = gtk::Box::new(gtk::Orientation::Horizontal, 24);
        let picture = poster_slot(PosterSize::Page.logical().0, PosterSize::Page.logical().1, 64);
        picture.overlay.set_valign(gtk::Align::Start);
        picture.overlay.set_halign(gtk::Align::Start);
        root.append(&picture.overlay);
        let text = gtk::Box::new(gtk::Orientation::Vertical, 8);
        text.set_hexpand(true);
        let (title, meta, summary) =
            (label(Some("title-1"), true), label(Some(crate::style::DIM), false), label(None, true));
        title.add_css_class(crate::style::NO_CARET);
        let (facts, tagline, credits) = (label(Some(crate::style::DIM), false), label(None, true), label(None, true));
        tagline.add_css_class("heading");
        text.append(&title);
        text.append(&meta);
        text.append(&facts);
        text.append(&tagline);
        text.append(&summary);
        text.append(&credits);
        let play = pill("media-playback-start-symbolic", &gettext("Play"), sender, || ItemMsg::Play);
        play.add_css_class("suggested-action");
        let shuffle = pill("media-playlist-shuffle-symbolic", &gettext("Shuffle"), sender, || ItemMsg::Shuffle);
        let watched = gtk::Button::with_label(&gettext("Mark as Watched"));
        watched.add_css_class("pill");
        {
            let s = sender.clone();
            watched.connect_clicked(move |_| s.input(ItemMsg::ToggleWatched));
        }
        // An icon, not a third pill: the row of buttons sets the page's
        // narrowest width, and a wider one folds the sidebar away at the
        // default window size.
        let add = gtk::MenuButton::builder().icon_name("list-add-symbolic").valign(gtk::Align::Center).build();
        add.set_tooltip_text(Some(&gettext("Add to Playlist")));
        add.add_css_class("circular");
        crate::widgets::labelled(&add, &gettext("Add to Playlist"));
        let download = gtk::Button::from_icon_name("folder-download-symbolic");
        download.set_valign(gtk::Align::Center);
        download.add_css_class("circular");
        {
            let s = sender.clone();
            download.connect_clicked(move |_| s.input(ItemMsg::Download(-1)));
        }
        let keep = gtk::MenuButton::builder()
            .icon_name("emblem-synchronizing-symbolic")
            .valign(gtk::Align::Center)
            .menu_model(&super::keep_next::menu())
            .build();
        keep.add_css_class("circular");
        let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        buttons.set_halign(gtk::Align::Start);
        buttons.set_margin_top(8);
        buttons.append(&play);
        buttons.append(&shuffle);
        buttons.append(&watched);
        buttons.append(&add);
        buttons.append(&download);
        buttons.append(&keep);
        text.append(&buttons);
        root.append(&text);
        let header = Header {
            root,
            picture,
            shape: std::cell::Cell::new(Shape::Poster),
            title,
            meta,
            facts,
            tagline,
            summary,
            credits,
            watched,
            add,
            play,
            shuffle,
            download,
            keep,
        };
        header.show_details(&ItemDetails::default());
        header.show_download(None);
        header.show_keep(None);
        header
    }

    /// Shows a show's rule (None: none).
    pub fn show_keep(&self, count: Option<u32>) {
        let name = super::keep_next::name(count);
        self.keep.set_tooltip_text(Some(&name));
        crate::widgets::labelled(&self.keep, &name);
    }

    /// Shows how the item's download stands (None: not downloaded).
    pub fn show_download(&self, shown: Option<&DownloadShown>) {
        use reel_core::models::DownloadState;
        let (icon, name, can_click) = match shown {
            None => ("folder-download-symbolic", gettext("Download"), true),
            // Asked, while the server says what it would fetch.
            Some(DownloadShown::Asked) => ("folder-download-symbolic", gettext("Preparing the download…"), false),
            Some(DownloadShown::Is(d)) => match d.state {
                DownloadState::Done => ("emblem-ok-symbolic", reel_words::download_state(d.state), false),
                DownloadState::Queued | DownloadState::Running => {
                    let done = d.size.filter(|s| *s > 0).map(|s| d.fetched * 100 / s).unwrap_or(0);
                    let name = i18n_f("{}, {}%", &[&reel_words::download_state(d.state), &done.to_string()]);
                    ("folder-download-symbolic", name, false)
                }
                // Failed or paused: asked again, it goes on from where it stopped.
                DownloadState::Failed | DownloadState::Paused => {
                    let why = d.fault.as_ref().map(reel_words::download_fault).unwrap_or_default();
                    ("folder-download-symbolic", i18n_f("Download again: {}", &[&why]), true)
                }
            },
            Some(DownloadShown::Holds(all)) if all.going > 0 => {
                let name = ni18n_f(
                    "Downloading: {} file, {} here",
                    "Downloading: {} files, {} here",
                    all.files as u64,
                    &[&all.done.to_string()],
                );
                ("folder-download-symbolic", name, false)
            }
            // Some stopped: asked again, the rest comes.
            Some(DownloadShown::Holds(all)) if all.stopped > 0 => {
                let name = ni18n_f(
                    "Download the rest: {} file, {} here",
                    "Download the rest: {} files, {} here",
                    all.files as u64,
                    &[&all.done.to_string()],
                );
                ("folder-download-symbolic", name, true)
            }
            // All it had is here; it may hold more by now (new episodes).
            Some(DownloadShown::Holds(all)) => {
                let name =
                    ni18n_f("Download all ({} file here)", "Download all ({} files here)", all.files as u64, &[]);
                ("emblem-ok-symbolic", name, true)
            }
        };
        self.download.set_icon_name(icon);
        self.download.set_tooltip_text(Some(&name));
        crate::widgets::labelled(&self.download, &name);
        self.download.set_sensitive(can_click);
    }

    /// What the item's page tells beyond its listing (none: nothing shown).
    pub fn show_details(&self, d: &ItemDetails) {
        let mut facts: Vec<String> = d.content_rating.iter().chain(&d.studio).cloned().collect();
        facts.extend(d.ratings.iter().map(rating_words));
        set_line(&self.facts, &facts.join(" · "));
        set_line(&self.tagline, d.tagline.as_deref().unwrap_or(""));
        let names = |people: &[reel_core::models::Person]| {
            people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
        };
        let mut credits = Vec::new();
        if !d.directors.is_empty() {
            credits.push(i18n_f("Directed by {}", &[&names(&d.directors)]));
        }
        if !d.writers.is_empty() {
            credits.push(i18n_f("Written by {}", &[&names(&d.writers)]));
        }
        set_line(&self.credits, &credits.join(" · "));
    }

    /// The item's picture came.
    pub fn show_picture(&self, texture: &relm4::gtk::gdk::Texture) {
        self.picture.picture.set_paintable(Some(texture));
    }

    /// Shows `item`: its words, and the buttons it can use.
    pub fn show(&self, item: &MediaItem) {
        self.title.set_text(&item.title);
        let mut meta = Vec::new();
        if let Some(g) = &item.grandparent_title {
            meta.push(g.clone());
        }
        if let Some(p) = &item.parent_title {
            meta.push(p.clone());
        }
        // The day it aired or came out says more than its year.
        if let Some(day) = item.aired.as_deref().and_then(super::aired_on) {
            meta.push(day);
        } else if let Some(y) = item.year {
            meta.push(y.to_string());
        }
        if let Some(d) = item.duration_ms.filter(|d| *d > 0) {
            meta.push(super::duration(d));
        }
        if item.watched() {
            meta.push(gettext("Watched"));
        } else if item.view_offset_ms > 0 {
            meta.push(i18n_f(
                "{} left",
                &[&super::duration(item.duration_ms.unwrap_or(0).saturating_sub(item.view_offset_ms))],
            ));
        }
        self.meta.set_text(&meta.join(" · "));
        self.summary.set_text(item.summary.as_deref().unwrap_or(""));
        self.watched.set_visible(item.kind.can_be_watched() || item.kind.holds_episodes());
        self.add.set_visible(item.kind != reel_core::models::ItemKind::Other);
        self.download.set_visible(item.kind != reel_core::models::ItemKind::Other);
        self.keep.set_visible(item.kind == reel_core::models::ItemKind::Show);
        let music = super::music_queue(item).is_some();
        self.play.set_visible(item.kind.can_be_watched() || music);
        // A queue of one track's album shuffled is still that album: from the album.
        self.shuffle.set_visible(music && item.kind != reel_core::models::ItemKind::Track);
        if item.view_offset_ms > 0 && !item.watched() {
            self.play
                .set_tooltip_text(Some(&i18n_f("Resume from {}", &[&reel_words::clock(item.view_offset_ms as u64)])));
        } else {
            self.play.set_tooltip_text(None);
        }
        use reel_core::models::ItemKind;
        let label = match (item.kind, item.watched()) {
            (ItemKind::Season, false) => gettext("Mark Season as Watched"),
            (ItemKind::Season, true) => gettext("Mark Season as Unwatched"),
            (ItemKind::Show, false) => gettext("Mark Show as Watched"),
            (ItemKind::Show, true) => gettext("Mark Show as Unwatched"),
            (_, false) => gettext("Mark as Watched"),
            (_, true) => gettext("Mark as Unwatched"),
        };
        self.watched.set_label(&label);
        crate::widgets::labelled(&self.watched, &label);
        self.picture.picture.set_paintable(None::<&relm4::gtk::gdk::Texture>);
        self.picture.placeholder.set_icon_name(Some(placeholder_icon(item.kind)));
        let shape = Shape::of(item.kind);
        if self.shape.replace(shape) != shape {
            let (width, height) = PosterSize::Page.of(shape);
            self.picture.resize(width, height);
            // A still is wide: above the words, or the page's narrowest
            // width grows and folds the sidebar away at the default size.
            self.root.set_orientation(if shape == Shape::Still {
                gtk::Orientation::Vertical
            } else {
                gtk::Orientation::Horizontal
            });
        }
        crate::widgets::labelled(&self.picture.picture, &shape.name_for(&item.title));
    }
}
