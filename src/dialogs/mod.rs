//! Windows over the main window: sign-in, preferences, keyboard shortcuts.

pub mod preferences;
pub mod shortcuts;
pub mod sign_in;
