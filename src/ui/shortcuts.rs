//! Keyboard shortcuts and the window that lists them.

use relm4::adw;
use relm4::gtk;
use relm4::gtk::prelude::*;

/// (trigger, action): F5 and Ctrl+R refresh, Ctrl+F searches, Escape goes back.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("<Control>q", "win.quit"),
    ("<Control>w", "win.close"),
    ("F5", "win.refresh"),
    ("<Control>r", "win.refresh"),
    ("<Control>f", "win.search"),
    ("Escape", "win.back"),
    ("<Alt>Left", "win.back"),
    ("<Control>question", "win.show-help-overlay"),
    ("<Control>comma", "win.preferences"),
];

const UI: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<interface>
  <object class="GtkShortcutsWindow" id="help">
    <property name="modal">True</property>
    <child>
      <object class="GtkShortcutsSection">
        <property name="section-name">shortcuts</property>
        <child>
          <object class="GtkShortcutsGroup">
            <property name="title">General</property>
            <child><object class="GtkShortcutsShortcut"><property name="title">Keyboard Shortcuts</property><property name="accelerator">&lt;Control&gt;question</property></object></child>
            <child><object class="GtkShortcutsShortcut"><property name="title">Preferences</property><property name="accelerator">&lt;Control&gt;comma</property></object></child>
            <child><object class="GtkShortcutsShortcut"><property name="title">Close Window</property><property name="accelerator">&lt;Control&gt;w</property></object></child>
            <child><object class="GtkShortcutsShortcut"><property name="title">Quit</property><property name="accelerator">&lt;Control&gt;q</property></object></child>
          </object>
        </child>
        <child>
          <object class="GtkShortcutsGroup">
            <property name="title">Browsing</property>
            <child><object class="GtkShortcutsShortcut"><property name="title">Refresh</property><property name="accelerator">F5 &lt;Control&gt;r</property></object></child>
            <child><object class="GtkShortcutsShortcut"><property name="title">Search This Library</property><property name="accelerator">&lt;Control&gt;f</property></object></child>
            <child><object class="GtkShortcutsShortcut"><property name="title">Back</property><property name="accelerator">Escape &lt;Alt&gt;Left</property></object></child>
          </object>
        </child>
      </object>
    </child>
  </object>
</interface>"#;

pub fn window(parent: &adw::ApplicationWindow) -> gtk::ShortcutsWindow {
    let builder = gtk::Builder::from_string(UI);
    let w: gtk::ShortcutsWindow = builder.object("help").expect("the shortcuts UI above defines `help`");
    w.set_transient_for(Some(parent));
    w
}
