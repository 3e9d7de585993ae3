//! The player's widgets: the video, a header and a control bar over it that
//! hide with the pointer, a spinner while buffering, and a page for errors.

use super::PlayerMsg;
use crate::i18n::gettext;
use crate::widgets::labelled;
use reel_core::playback::Intent;
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentSender};

pub struct Ui {
    pub root: gtk::Overlay,
    pub picture: gtk::Picture,
    pub title: adw::WindowTitle,
    pub top: gtk::Revealer,
    pub bottom: gtk::Revealer,
    pub play: gtk::Button,
    pub elapsed: gtk::Label,
    pub remaining: gtk::Label,
    pub scale: gtk::Scale,
    pub volume: gtk::ScaleButton,
    /// The spinner, shown when loading or buffering lasts.
    pub busy: crate::widgets::busy::Delayed,
    pub error: adw::StatusPage,
    pub transcode: gtk::Button,
    /// Audio, subtitles and speed.
    pub tracks: gtk::MenuButton,
    /// Skip Intro / Skip Credits, while inside a marker.
    pub skip: gtk::Button,
    /// The next episode, in the final credits.
    pub up_next: gtk::Box,
    pub up_next_title: gtk::Label,
    pub up_next_countdown: gtk::Label,
}

const CSS: &str = ".reel-player { background-color: black; } .reel-player-bar { padding: 6px 12px; } .reel-up-next { background-color: rgba(0, 0, 0, 0.8); color: white; border-radius: 12px; padding: 12px; }";

fn icon_button(icon: &str, label: &str) -> gtk::Button {
    let b = gtk::Button::from_icon_name(icon);
    b.set_tooltip_text(Some(label));
    labelled(&b, label);
    b.add_css_class("flat");
    b
}

pub fn build(root: &gtk::Overlay, sender: &ComponentSender<super::PlayerPage>) -> Ui {
    let provider = gtk::CssProvider::new();
    provider.load_from_data(CSS);
    gtk::style_context_add_provider_for_display(
        &WidgetExt::display(root),
        &provider,
        gtk::STYLE_PROVIDER_PRIORITY_APPLICATION,
    );
    root.add_css_class("reel-player");
    root.set_focusable(true);
    root.set_hexpand(true);
    root.set_vexpand(true);

    let picture = gtk::Picture::new();
    picture.set_hexpand(true);
    picture.set_vexpand(true);
    labelled(&picture, &gettext("Video"));
    root.set_child(Some(&picture));

    // Header: back, what plays (and how), window buttons.
    let title = adw::WindowTitle::new("", "");
    let header = adw::HeaderBar::new();
    header.set_title_widget(Some(&title));
    header.add_css_class("osd");
    let back = icon_button("go-previous-symbolic", &gettext("Back"));
    header.pack_start(&back);
    let s = sender.clone();
    back.connect_clicked(move |_| s.input(PlayerMsg::Intent(Intent::Leave)));
    let top = gtk::Revealer::builder()
        .transition_type(gtk::RevealerTransitionType::Crossfade)
        .valign(gtk::Align::Start)
        .reveal_child(true)
        .child(&header)
        .build();
    root.add_overlay(&top);

    // Control bar.
    let bar = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    bar.add_css_class("osd");
    bar.add_css_class("toolbar");
    bar.add_css_class("reel-player-bar");
    bar.set_margin_start(12);
    bar.set_margin_end(12);
    bar.set_margin_bottom(12);
    let play = icon_button("media-playback-pause-symbolic", &gettext("Pause"));
    let s = sender.clone();
    play.connect_clicked(move |_| s.input(PlayerMsg::Intent(Intent::TogglePlay)));
    let elapsed = gtk::Label::new(Some(&reel_words::clock(0)));
    elapsed.add_css_class("numeric");
    labelled(&elapsed, &gettext("Elapsed"));
    let scale = gtk::Scale::with_range(gtk::Orientation::Horizontal, 0.0, 1.0, 1.0);
    scale.set_hexpand(true);
    scale.set_draw_value(false);
    labelled(&scale, &gettext("Position"));
    let s = sender.clone();
    scale.connect_change_value(move |_, _, value| {
        s.input(PlayerMsg::Intent(Intent::SeekTo { ms: value.max(0.0) as u64, exact: true }));
        relm4::gtk::glib::Propagation::Proceed
    });
    let remaining = gtk::Label::new(Some(&format!("-{}", reel_words::clock(0))));
    remaining.add_css_class("numeric");
    labelled(&remaining, &gettext("Remaining"));
    let volume = crate::widgets::volume_button();
    let s = sender.clone();
    volume.connect_value_changed(move |_, v| s.input(PlayerMsg::Volume(v)));
    let tracks = gtk::MenuButton::builder().icon_name("emblem-system-symbolic").build();
    tracks.add_css_class("flat");
    tracks.set_tooltip_text(Some(&gettext("Audio, Subtitles and Speed")));
    labelled(&tracks, &gettext("Audio, Subtitles and Speed"));
    let fullscreen = icon_button("view-fullscreen-symbolic", &gettext("Fullscreen"));
    let s = sender.clone();
    fullscreen.connect_clicked(move |_| s.input(PlayerMsg::ToggleFullscreen));
    for w in [play.upcast_ref::<gtk::Widget>(), elapsed.upcast_ref(), scale.upcast_ref(), remaining.upcast_ref()] {
        bar.append(w);
    }
    bar.append(&volume);
    bar.append(&tracks);
    bar.append(&fullscreen);
    let bottom = gtk::Revealer::builder()
        .transition_type(gtk::RevealerTransitionType::Crossfade)
        .valign(gtk::Align::End)
        .reveal_child(true)
        .child(&bar)
        .build();
    root.add_overlay(&bottom);

    // Over the control bar's right end, as other Plex players place it.
    let skip = gtk::Button::with_label(&gettext("Skip Intro"));
    skip.add_css_class("pill");
    skip.add_css_class("osd");
    skip.set_halign(gtk::Align::End);
    skip.set_valign(gtk::Align::End);
    skip.set_margin_end(24);
    skip.set_margin_bottom(96);
    skip.set_visible(false);
    let s = sender.clone();
    skip.connect_clicked(move |_| s.input(PlayerMsg::Intent(Intent::SkipMarker)));
    root.add_overlay(&skip);

    let up_next = gtk::Box::new(gtk::Orientation::Vertical, 6);
    up_next.add_css_class("reel-up-next");
    up_next.set_halign(gtk::Align::End);
    up_next.set_valign(gtk::Align::End);
    up_next.set_margin_end(24);
    up_next.set_margin_bottom(96);
    up_next.set_visible(false);
    let heading = gtk::Label::new(Some(&gettext("Up Next")));
    heading.add_css_class("heading");
    heading.set_xalign(0.0);
    let up_next_title = gtk::Label::new(None);
    up_next_title.set_xalign(0.0);
    up_next_title.set_wrap(true);
    up_next_title.set_max_width_chars(30);
    let up_next_countdown = gtk::Label::new(None);
    up_next_countdown.add_css_class("dim-label");
    up_next_countdown.set_xalign(0.0);
    let row = gtk::Box::new(gtk::Orientation::Horizontal, 6);
    let play_now = gtk::Button::with_label(&gettext("Play Now"));
    play_now.add_css_class("suggested-action");
    let s = sender.clone();
    play_now.connect_clicked(move |_| s.input(PlayerMsg::Intent(Intent::PlayNext)));
    let cancel = gtk::Button::with_label(&gettext("Cancel"));
    labelled(&cancel, &gettext("Do not play the next episode"));
    let s = sender.clone();
    cancel.connect_clicked(move |_| s.input(PlayerMsg::Intent(Intent::CancelUpNext)));
    row.append(&play_now);
    row.append(&cancel);
    for w in [
        heading.upcast_ref::<gtk::Widget>(),
        up_next_title.upcast_ref(),
        up_next_countdown.upcast_ref(),
        row.upcast_ref(),
    ] {
        up_next.append(w);
    }
    root.add_overlay(&up_next);

    let spinner = gtk::Spinner::new();
    spinner.set_size_request(48, 48);
    spinner.set_halign(gtk::Align::Center);
    spinner.set_valign(gtk::Align::Center);
    labelled(&spinner, &gettext("Loading"));
    root.add_overlay(&spinner);
    let busy = crate::widgets::busy::spinner(&spinner);

    let transcode = gtk::Button::with_label(&gettext("Play Converted by the Server"));
    transcode.add_css_class("pill");
    transcode.add_css_class("suggested-action");
    transcode.set_halign(gtk::Align::Center);
    transcode.set_visible(false);
    let s = sender.clone();
    transcode.connect_clicked(move |_| s.input(PlayerMsg::Intent(Intent::PlayTranscoded)));
    let error = adw::StatusPage::builder().icon_name("dialog-warning-symbolic").child(&transcode).build();
    error.add_css_class("osd");
    error.set_visible(false);
    root.add_overlay(&error);

    // The pointer shows the controls; a double click is fullscreen.
    let motion = gtk::EventControllerMotion::new();
    let s = sender.clone();
    motion.connect_motion(move |_, x, y| s.input(PlayerMsg::PointerMoved(x, y)));
    root.add_controller(motion);
    let click = gtk::GestureClick::new();
    let s = sender.clone();
    click.connect_pressed(move |_, n, _, _| {
        if n == 2 {
            s.input(PlayerMsg::ToggleFullscreen);
        }
    });
    picture.add_controller(click);

    // The player's keys, while it has the focus (see keys.rs).
    let shortcuts = gtk::ShortcutController::new();
    shortcuts.set_scope(gtk::ShortcutScope::Local);
    shortcuts.set_propagation_phase(gtk::PropagationPhase::Capture);
    for key in super::keys::PlayerKey::ALL {
        for accel in key.accels() {
            let Some(trigger) = gtk::ShortcutTrigger::parse_string(accel) else { continue };
            let s = sender.clone();
            let action = gtk::CallbackAction::new(move |_, _| {
                s.input(key.message());
                relm4::gtk::glib::Propagation::Stop
            });
            shortcuts.add_shortcut(gtk::Shortcut::new(Some(trigger), Some(action)));
        }
    }
    root.add_controller(shortcuts);

    Ui {
        root: root.clone(),
        picture,
        title,
        top,
        bottom,
        play,
        elapsed,
        remaining,
        scale,
        volume,
        busy,
        error,
        transcode,
        tracks,
        skip,
        up_next,
        up_next_title,
        up_next_countdown,
    }
}
