//! The window's actions, listed once: each one's `win.` name, keyboard
//! accelerators, place in the main menu and in the shortcuts window all come
//! from [`Action`], so the three cannot disagree.

use super::{App, AppMsg};
use crate::i18n::gettext;
use relm4::adw::prelude::*;
use relm4::gtk::gio;
use relm4::{adw, gtk, ComponentSender};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Refresh,
    AddAccount,
    Preferences,
    SignOut,
    ShowShortcuts,
    About,
    Search,
    FilterLibrary,
    Back,
    Close,
    Quit,
    /// Takes back the accounts of a damaged settings file (the toast's button).
    RecoverAccounts,
}

/// Where an action is listed in the shortcuts window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    General,
    Browsing,
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::Refresh,
        Action::AddAccount,
        Action::Preferences,
        Action::SignOut,
        Action::ShowShortcuts,
        Action::About,
        Action::Search,
        Action::FilterLibrary,
        Action::Back,
        Action::Close,
        Action::Quit,
        Action::RecoverAccounts,
    ];

    /// The action's name in the window's `win.` group (what GNOME Shell and
    /// the tests activate over D-Bus).
    pub fn name(self) -> &'static str {
        match self {
            Action::Refresh => "refresh",
            Action::AddAccount => "add-account",
            Action::Preferences => "preferences",
            Action::SignOut => "sign-out",
            Action::ShowShortcuts => "show-help-overlay",
            Action::About => "about",
            Action::Search => "search",
            Action::FilterLibrary => "filter-library",
            Action::Back => "back",
            Action::Close => "close",
            Action::Quit => "quit",
            Action::RecoverAccounts => "recover-accounts",
        }
    }

    pub fn detailed_name(self) -> String {
        format!("win.{}", self.name())
    }

    /// Keyboard accelerators, the first one shown in menus.
    pub fn accels(self) -> &'static [&'static str] {
        match self {
            Action::Refresh => &["F5", "<Control>r"],
            Action::Preferences => &["<Control>comma"],
            Action::ShowShortcuts => &["<Control>question"],
            Action::Search => &["<Control>f"],
            Action::FilterLibrary => &["<Control><Shift>f"],
            Action::Back => &["Escape", "<Alt>Left"],
            Action::Close => &["<Control>w"],
            Action::Quit => &["<Control>q"],
            Action::AddAccount | Action::SignOut | Action::About | Action::RecoverAccounts => &[],
        }
    }

    /// The label in the main menu, for those listed there (in menu order).
    pub fn menu_label(self) -> Option<String> {
        Some(match self {
            Action::Refresh => gettext("Refresh"),
            Action::AddAccount => gettext("Add Account or Server…"),
            Action::Preferences => gettext("Preferences"),
            Action::SignOut => gettext("Sign Out…"),
            Action::ShowShortcuts => gettext("Keyboard Shortcuts"),
            Action::About => gettext("About Reel"),
            Action::Search
            | Action::FilterLibrary
            | Action::Back
            | Action::Close
            | Action::Quit
            | Action::RecoverAccounts => return None,
        })
    }

    /// The title in the shortcuts window, for those with accelerators.
    pub fn shortcut_title(self) -> Option<(Group, String)> {
        Some(match self {
            Action::ShowShortcuts => (Group::General, gettext("Keyboard Shortcuts")),
            Action::Preferences => (Group::General, gettext("Preferences")),
            Action::Close => (Group::General, gettext("Close Window")),
            Action::Quit => (Group::General, gettext("Quit")),
            Action::Refresh => (Group::Browsing, gettext("Refresh")),
            Action::Search => (Group::Browsing, gettext("Search Every Library")),
            Action::FilterLibrary => (Group::Browsing, gettext("Filter This Library")),
            Action::Back => (Group::Browsing, gettext("Back")),
            Action::AddAccount | Action::SignOut | Action::About | Action::RecoverAccounts => return None,
        })
    }

    /// What the window does when the action is activated; `None` for those
    /// the window handles itself (closing, quitting, the shortcuts window).
    fn message(self) -> Option<AppMsg> {
        Some(match self {
            Action::Refresh => AppMsg::Refresh,
            Action::AddAccount => AppMsg::ShowSignIn,
            Action::Preferences => AppMsg::ShowPreferences,
            Action::SignOut => AppMsg::ConfirmSignOut,
            Action::About => AppMsg::About,
            Action::Search => AppMsg::Search,
            Action::FilterLibrary => AppMsg::FilterLibrary,
            Action::Back => AppMsg::Back,
            Action::RecoverAccounts => AppMsg::RecoverAccounts,
            Action::ShowShortcuts | Action::Close | Action::Quit => return None,
        })
    }
}

/// The main menu, from the actions listed there.
pub fn menu() -> gio::Menu {
    let menu = gio::Menu::new();
    for a in Action::ALL {
        if let Some(label) = a.menu_label() {
            menu.append(Some(&label), Some(&a.detailed_name()));
        }
    }
    menu
}

/// Adds every action to the window, with its accelerators.
pub fn install(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    for a in Action::ALL {
        let action = gio::SimpleAction::new(a.name(), None);
        match a.message() {
            Some(_) => {
                let s = sender.clone();
                action.connect_activate(move |_, _| {
                    if let Some(msg) = a.message() {
                        s.input(msg);
                    }
                });
            }
            None => {
                let w = window.clone();
                action.connect_activate(move |_, _| match a {
                    Action::ShowShortcuts => crate::dialogs::shortcuts::window(&w).present(),
                    Action::Close => w.close(),
                    _ => {
                        // Closed first, so it keeps its size as when closed by hand.
                        let app = w.application();
                        w.close();
                        if let Some(app) = app {
                            app.quit();
                        }
                    }
                });
            }
        }
        window.add_action(&action);
    }
    let controller = gtk::ShortcutController::new();
    controller.set_scope(gtk::ShortcutScope::Managed);
    for a in Action::ALL {
        for accel in a.accels() {
            let trigger = gtk::ShortcutTrigger::parse_string(accel);
            controller.add_shortcut(gtk::Shortcut::new(trigger, Some(gtk::NamedAction::new(&a.detailed_name()))));
        }
    }
    window.add_controller(controller);
}

/// The accelerators as the shortcuts window shows them ("F5 <Control>r").
pub fn accelerator_text(a: Action) -> String {
    a.accels().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_unique_name_and_accelerators_are_not_shared() {
        let mut names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        let mut accels: Vec<&str> = Action::ALL.iter().flat_map(|a| a.accels().iter().copied()).collect();
        let n = accels.len();
        accels.sort();
        accels.dedup();
        assert_eq!(accels.len(), n, "one accelerator, one action");
    }

    #[test]
    fn everything_with_an_accelerator_is_in_the_shortcuts_window() {
        for a in Action::ALL {
            assert_eq!(!a.accels().is_empty(), a.shortcut_title().is_some(), "{a:?}");
        }
    }
}
