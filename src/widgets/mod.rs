//! Widgets the pages share: the sidebar and poster slots.

pub mod poster;
pub mod sidebar;
