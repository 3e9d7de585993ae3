//! The cast under an item's header: a row of round photos with names and
//! the parts they play, each opening what else they are in (the server's
//! search for their name, which finds films through their cast).

use super::ItemMsg;
use crate::i18n::{gettext, i18n_f};
use crate::widgets::labelled;
use reel_core::models::Person;
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentSender};

const PHOTO: i32 = 64;
const NAME_CHARS: i32 = 13;

pub struct CastRow {
    pub root: gtk::Box,
    people: gtk::Box,
    /// The avatars shown, by the photo each waits for.
    avatars: Vec<(String, adw::Avatar)>,
}

impl CastRow {
    pub fn build() -> Self {
        let root = gtk::Box::new(gtk::Orientation::Vertical, 6);
        let heading = gtk::Label::new(Some(&gettext("Cast")));
        heading.add_css_class("title-4");
        heading.set_xalign(0.0);
        root.append(&heading);
        let people = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        let scroller = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Automatic)
            .vscrollbar_policy(gtk::PolicyType::Never)
            .child(&people)
            .build();
        labelled(&scroller, &gettext("Cast"));
        root.append(&scroller);
        root.set_visible(false);
        CastRow { root, people, avatars: Vec::new() }
    }

    /// Shows `cast` (none: the row takes no room). Returns the photos to
    /// ask for.
    pub fn show(&mut self, cast: &[Person], sender: &ComponentSender<super::ItemPage>) -> Vec<String> {
        while let Some(child) = self.people.first_child() {
            self.people.remove(&child);
        }
        self.avatars.clear();
        self.root.set_visible(!cast.is_empty());
        for p in cast {
            let avatar = adw::Avatar::new(PHOTO, Some(&p.name), true);
            let name = gtk::Label::new(Some(&p.name));
            // As wide as most names: an ellipsized label asks for no room of its own.
            name.set_ellipsize(gtk::pango::EllipsizeMode::End);
            name.set_width_chars(NAME_CHARS);
            name.set_max_width_chars(NAME_CHARS);
            let part = gtk::Label::new(p.role.as_deref());
            part.add_css_class(crate::style::DIM);
            part.add_css_class("caption");
            part.set_ellipsize(gtk::pango::EllipsizeMode::End);
            part.set_width_chars(NAME_CHARS);
            part.set_max_width_chars(NAME_CHARS);
            part.set_visible(p.role.is_some());
            let content = gtk::Box::new(gtk::Orientation::Vertical, 4);
            content.append(&avatar);
            content.append(&name);
            content.append(&part);
            let button = gtk::Button::builder().child(&content).build();
            button.add_css_class("flat");
            let said = match &p.role {
                Some(role) => i18n_f("{} as {}", &[&p.name, role]),
                None => p.name.clone(),
            };
            labelled(&button, &said);
            button.set_tooltip_text(Some(&i18n_f("What else {} is in", &[&p.name])));
            {
                let (s, who) = (sender.clone(), p.name.clone());
                button.connect_clicked(move |_| s.input(ItemMsg::Person(who.clone())));
            }
            self.people.append(&button);
            if let Some(thumb) = &p.thumb {
                self.avatars.push((thumb.clone(), avatar));
            }
        }
        self.avatars.iter().map(|(t, _)| t.clone()).collect()
    }

    /// A photo came: on every avatar that waits for it.
    pub fn photo(&self, thumb: &str, texture: &relm4::gtk::gdk::Texture) {
        for (_, avatar) in self.avatars.iter().filter(|(t, _)| t == thumb) {
            avatar.set_custom_image(Some(texture));
        }
    }
}
