//! One child's row: its picture (a season's poster, an episode's still,
//! an album's cover) with how far it was watched, title, facts, a line of
//! its summary, the downloaded mark, its menu, an arrow. The header's row
//! hides all of it and holds the page's header instead.

use crate::widgets::poster::{poster_slot, PosterSize, PosterSlot, Shape};
use crate::widgets::seen::SeenMarks;
use relm4::gtk::{self, glib, prelude::*, subclass::prelude::*};

glib::wrapper! {
    pub struct ChildRow(ObjectSubclass<imp::ChildRow>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for ChildRow {
    fn default() -> Self {
        glib::Object::builder().property("orientation", gtk::Orientation::Vertical).build()
    }
}

impl ChildRow {
    pub fn parts(&self) -> &Parts {
        self.imp().parts()
    }

    /// Shows a picture of `shape` (None: the row has none).
    pub fn shape(&self, shape: Option<Shape>) {
        let parts = self.parts();
        parts.slot.overlay.set_visible(shape.is_some());
        if let Some(shape) = shape {
            parts.slot.placeholder.set_icon_name(Some(match shape {
                Shape::Square => "audio-x-generic-symbolic",
                Shape::Still | Shape::Poster => "video-x-generic-symbolic",
            }));
            if parts.shape.replace(shape) != shape {
                let (w, h) = PosterSize::Row.of(shape);
                parts.slot.resize(w, h);
            }
        }
    }
}

pub struct Parts {
    /// The child's own row (hidden on the header's).
    pub row: gtk::Box,
    pub slot: PosterSlot,
    shape: std::cell::Cell<Shape>,
    pub seen: SeenMarks,
    pub title: gtk::Label,
    pub subtitle: gtk::Label,
    pub summary: gtk::Label,
    pub downloaded: gtk::Image,
    pub menu: gtk::MenuButton,
}

mod imp {
    use super::*;
    use crate::i18n::gettext;
    use std::cell::OnceCell;

    #[derive(Default)]
    pub struct ChildRow {
        parts: OnceCell<Parts>,
    }

    impl ChildRow {
        pub fn parts(&self) -> &Parts {
            self.parts.get_or_init(|| self.build())
        }

        fn build(&self) -> Parts {
            let row = gtk::Box::new(gtk::Orientation::Horizontal, 12);
            let (w, h) = PosterSize::Row.of(Shape::Still);
            let slot = poster_slot(w, h, 24);
            slot.overlay.set_valign(gtk::Align::Center);
            slot.overlay.set_visible(false);
            let seen = SeenMarks::on(&slot.overlay);
            row.append(&slot.overlay);
            let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
            text.set_hexpand(true);
            text.set_valign(gtk::Align::Center);
            let title = gtk::Label::new(None);
            title.set_xalign(0.0);
            // One line, the rest in the tooltip: a wrapping label is measured
            // for its height at every width, per row, while scrolling.
            title.set_ellipsize(gtk::pango::EllipsizeMode::End);
            crate::widgets::full_text_tooltip(&title);
            let subtitle = gtk::Label::new(None);
            subtitle.set_xalign(0.0);
            subtitle.add_css_class(crate::style::DIM);
            subtitle.add_css_class("caption");
            let summary = gtk::Label::new(None);
            summary.set_xalign(0.0);
            summary.set_ellipsize(gtk::pango::EllipsizeMode::End);
            summary.add_css_class(crate::style::DIM);
            crate::widgets::full_text_tooltip(&summary);
            text.append(&title);
            text.append(&subtitle);
            text.append(&summary);
            row.append(&text);
            let downloaded = gtk::Image::from_icon_name("folder-download-symbolic");
            downloaded.set_tooltip_text(Some(&gettext("Plays with no network")));
            downloaded.add_css_class(crate::style::DIM);
            downloaded.set_visible(false);
            row.append(&downloaded);
            let menu = gtk::MenuButton::builder().icon_name("view-more-symbolic").valign(gtk::Align::Center).build();
            menu.add_css_class("flat");
            menu.set_visible(false);
            crate::widgets::options_tooltip(&menu, &title);
            row.append(&menu);
            row.append(&gtk::Image::from_icon_name("go-next-symbolic"));
            self.obj().append(&row);
            Parts {
                row,
                slot,
                shape: std::cell::Cell::new(Shape::Still),
                seen,
                title,
                subtitle,
                summary,
                downloaded,
                menu,
            }
        }
    }

    #[glib::object_subclass]
    impl ObjectSubclass for ChildRow {
        const NAME: &'static str = "ReelChildRow";
        type Type = super::ChildRow;
        type ParentType = gtk::Box;
    }

    impl ObjectImpl for ChildRow {
        fn constructed(&self) {
            self.parent_constructed();
            self.parts();
        }
    }

    impl WidgetImpl for ChildRow {}
    impl BoxImpl for ChildRow {}
}
