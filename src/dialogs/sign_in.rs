//! The sign-in dialog: Plex's PIN flow. Opens plex.tv's sign-in page in the
//! browser (or copies its link for another device), polls until the account
//! is linked; Cancel really stops polling.
//! Or, for people without plex.tv access, one server's address and token.

use crate::i18n::gettext;
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::AuthProvider;
use reel_core::{PinCode, Token};
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};
use tokio::task::AbortHandle;

pub struct SignInDialog {
    core: CoreHandle,
    /// The PIN the core waits on while the user signs in.
    pin: Option<PinCode>,
    work: Option<AbortHandle>,
    ui: Ui,
}

struct Ui {
    window: adw::Window,
    stack: gtk::Stack,
    error: adw::StatusPage,
    switch: gtk::Button,
    address: adw::EntryRow,
    token: adw::PasswordEntryRow,
    connect: gtk::Button,
    server_error: gtk::Label,
    server_spinner: gtk::Spinner,
}

#[derive(Debug)]
pub enum SignInMsg {
    Start,
    PinShown(PinCode),
    /// The PIN sign-in ended: the account is kept (its token stayed in the core), or why not.
    Finished(Result<AuthProvider, Failure>),
    OpenBrowser,
    CopyLink,
    Cancel,
    /// Between the PIN flow and the server address form.
    SwitchMethod,
    ConnectServer,
    ServerAdded(Result<AuthProvider, Failure>),
}

#[derive(Debug)]
pub enum SignInOutput {
    /// An account (or a server by address) was added and its token stored.
    SignedIn(AuthProvider),
}

use crate::widgets::labelled;

impl SimpleComponent for SignInDialog {
    type Init = CoreHandle;
    type Input = SignInMsg;
    type Output = SignInOutput;
    type Root = adw::Window;
    type Widgets = ();

    fn init_root() -> Self::Root {
        adw::Window::builder()
            .title(gettext("Sign in to Plex"))
            .modal(true)
            .hide_on_close(true)
            .default_width(440)
            .default_height(500)
            .build()
    }

    fn init(core: Self::Init, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let header = adw::HeaderBar::new();
        let cancel = gtk::Button::with_label(&gettext("Cancel"));
        labelled(&cancel, &gettext("Cancel sign-in"));
        header.pack_start(&cancel);
        header.set_show_end_title_buttons(false);
        {
            let s = sender.clone();
            cancel.connect_clicked(move |_| s.input(SignInMsg::Cancel));
        }

        let stack = gtk::Stack::new();
        stack.set_vexpand(true);

        let starting = gtk::Box::new(gtk::Orientation::Vertical, 12);
        starting.set_valign(gtk::Align::Center);
        let spinner = gtk::Spinner::new();
        spinner.start();
        spinner.set_size_request(32, 32);
        starting.append(&spinner);
        starting.append(&gtk::Label::new(Some(gettext("Contacting plex.tv…").as_str())));
        stack.add_named(&starting, Some("starting"));

        let waiting = gtk::Box::new(gtk::Orientation::Vertical, 18);
        waiting.set_valign(gtk::Align::Center);
        waiting.set_margin_start(24);
        waiting.set_margin_end(24);
        // The PIN's code travels in the sign-in page's address: nothing to
        // type (a strong PIN's 25 characters are not meant to be typed, and
        // plex.tv/link takes only the short kind).
        let intro = gtk::Label::new(Some(
            gettext("Sign in on plex.tv in your browser to link Reel to your account. To sign in on another device, copy the link and open it there.").as_str(),
        ));
        intro.set_wrap(true);
        intro.set_justify(gtk::Justification::Center);
        waiting.append(&intro);
        let copy = gtk::Button::with_label(&gettext("Copy Link"));
        copy.set_halign(gtk::Align::Center);
        labelled(&copy, &gettext("Copy the sign-in link"));
        let open = gtk::Button::with_label(&gettext("Open Sign-in Page"));
        open.add_css_class("suggested-action");
        open.add_css_class("pill");
        open.set_halign(gtk::Align::Center);
        labelled(&open, &gettext("Open the plex.tv sign-in page in your browser"));
        waiting.append(&open);
        waiting.append(&copy);
        let polling = gtk::Box::new(gtk::Orientation::Horizontal, 8);
        polling.set_halign(gtk::Align::Center);
        let spin2 = gtk::Spinner::new();
        spin2.start();
        polling.append(&spin2);
        polling.append(&gtk::Label::new(Some(gettext("Waiting for you to sign in…").as_str())));
        waiting.append(&polling);
        stack.add_named(&waiting, Some("waiting"));
        {
            let s = sender.clone();
            open.connect_clicked(move |_| s.input(SignInMsg::OpenBrowser));
            let s = sender.clone();
            copy.connect_clicked(move |_| s.input(SignInMsg::CopyLink));
        }

        let error = adw::StatusPage::builder()
            .icon_name("dialog-warning-symbolic")
            .title(gettext("Sign-in did not finish"))
            .build();
        let retry = gtk::Button::with_label(&gettext("Try Again"));
        retry.add_css_class("pill");
        retry.add_css_class("suggested-action");
        retry.set_halign(gtk::Align::Center);
        labelled(&retry, &gettext("Try signing in again"));
        error.set_child(Some(&retry));
        stack.add_named(&error, Some("error"));
        {
            let s = sender.clone();
            retry.connect_clicked(move |_| s.input(SignInMsg::Start));
        }

        // A server by address and token.
        let server = gtk::Box::new(gtk::Orientation::Vertical, 12);
        server.set_valign(gtk::Align::Center);
        server.set_margin_start(24);
        server.set_margin_end(24);
        let hint = gtk::Label::new(Some(
            gettext("Connect to one server directly. Its token is kept in your keyring and sent only to this address.")
                .as_str(),
        ));
        hint.set_wrap(true);
        hint.set_justify(gtk::Justification::Center);
        server.append(&hint);
        let form = gtk::ListBox::new();
        form.add_css_class("boxed-list");
        form.set_selection_mode(gtk::SelectionMode::None);
        let address = adw::EntryRow::builder().title(gettext("Server Address")).build();
        address.set_text("");
        labelled(&address, &gettext("Server address, like http://192.168.1.10:32400"));
        let token = adw::PasswordEntryRow::builder().title(gettext("Token")).build();
        labelled(&token, &gettext("Plex token"));
        form.append(&address);
        form.append(&token);
        server.append(&form);
        let server_error = gtk::Label::new(None);
        server_error.set_wrap(true);
        server_error.add_css_class("error");
        server_error.set_visible(false);
        server_error.set_accessible_role(gtk::AccessibleRole::Alert);
        server.append(&server_error);
        let connect_row = gtk::Box::new(gtk::Orientation::Horizontal, 8);
        connect_row.set_halign(gtk::Align::Center);
        let server_spinner = gtk::Spinner::new();
        connect_row.append(&server_spinner);
        let connect = gtk::Button::with_label(&gettext("Connect"));
        connect.add_css_class("suggested-action");
        connect.add_css_class("pill");
        labelled(&connect, &gettext("Connect to this server"));
        connect_row.append(&connect);
        server.append(&connect_row);
        stack.add_named(&server, Some("server"));
        {
            let s = sender.clone();
            connect.connect_clicked(move |_| s.input(SignInMsg::ConnectServer));
            let s = sender.clone();
            token.connect_entry_activated(move |_| s.input(SignInMsg::ConnectServer));
        }

        let switch = gtk::Button::with_label(&gettext("Use a Server Address Instead"));
        switch.add_css_class("flat");
        switch.set_halign(gtk::Align::Center);
        switch.set_margin_bottom(12);
        {
            let s = sender.clone();
            switch.connect_clicked(move |_| s.input(SignInMsg::SwitchMethod));
        }

        let content = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content.append(&header);
        content.append(&stack);
        content.append(&switch);
        root.set_content(Some(&content));
        {
            let s = sender.clone();
            root.connect_close_request(move |_| {
                s.input(SignInMsg::Cancel);
                gtk::glib::Propagation::Proceed
            });
        }

        let model = SignInDialog {
            core,
            pin: None,
            work: None,
            ui: Ui {
                window: root.clone(),
                stack,
                error,
                switch,
                address,
                token,
                connect,
                server_error,
                server_spinner,
            },
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>) {
        match msg {
            SignInMsg::Start => {
                self.stop();
                self.ui.switch.set_label(&gettext("Use a Server Address Instead"));
                self.ui.stack.set_visible_child_name("starting");
                let shown = sender.clone();
                self.work = Some(self.core.ask(
                    &sender,
                    |core| async move { core.sign_in_with_pin(move |pin| shown.input(SignInMsg::PinShown(pin))).await },
                    |r| SignInMsg::Finished(r.map_err(Failure::from)),
                ));
            }
            SignInMsg::PinShown(pin) => {
                self.ui.stack.set_visible_child_name("waiting");
                self.pin = Some(pin);
            }
            SignInMsg::Finished(Err(f)) => {
                self.work = None;
                self.ui.error.set_description(Some(&f.message()));
                self.ui.stack.set_visible_child_name("error");
            }
            SignInMsg::Finished(Ok(provider)) => {
                self.work = None;
                self.pin = None;
                let _ = sender.output(SignInOutput::SignedIn(provider));
                self.close_window();
            }
            SignInMsg::OpenBrowser => {
                if let Some(pin) = &self.pin {
                    gtk::show_uri(Some(&self.ui.window), &pin.auth_url, 0);
                }
            }
            SignInMsg::CopyLink => {
                if let Some(pin) = &self.pin {
                    self.ui.window.clipboard().set_text(&pin.auth_url);
                }
            }
            SignInMsg::Cancel => {
                self.stop();
                self.close_window();
            }
            SignInMsg::SwitchMethod => {
                if self.ui.stack.visible_child_name().as_deref() == Some("server") {
                    sender.input(SignInMsg::Start);
                } else {
                    // No plex.tv polling behind the form.
                    self.stop();
                    self.ui.server_error.set_visible(false);
                    self.ui.switch.set_label(&gettext("Sign In with plex.tv Instead"));
                    self.ui.stack.set_visible_child_name("server");
                    self.ui.address.grab_focus();
                }
            }
            SignInMsg::ConnectServer => {
                let url = self.ui.address.text().to_string();
                let token = self.ui.token.text().to_string();
                if url.trim().is_empty() || token.trim().is_empty() {
                    self.show_server_error(&gettext("Enter the server's address and a token."));
                    return;
                }
                self.ui.server_error.set_visible(false);
                self.ui.connect.set_sensitive(false);
                self.ui.server_spinner.start();
                let token = Token::new(token.trim().to_string());
                self.work = Some(self.core.ask(
                    &sender,
                    |core| async move { core.sign_in_to_server(&url, token).await },
                    |r| SignInMsg::ServerAdded(r.map_err(Failure::from)),
                ));
            }
            SignInMsg::ServerAdded(r) => {
                self.work = None;
                self.ui.connect.set_sensitive(true);
                self.ui.server_spinner.stop();
                match r {
                    Ok(provider) => {
                        self.ui.token.set_text("");
                        let _ = sender.output(SignInOutput::SignedIn(provider));
                        self.close_window();
                    }
                    Err(f) => self.show_server_error(&f.message()),
                }
            }
        }
    }
}

impl SignInDialog {
    fn show_server_error(&self, text: &str) {
        self.ui.server_error.set_text(text);
        self.ui.server_error.set_visible(true);
    }

    fn stop(&mut self) {
        if let Some(w) = self.work.take() {
            w.abort();
        }
        self.pin = None;
    }

    fn close_window(&self) {
        self.ui.window.set_visible(false);
    }
}
