pub mod sidebar;
pub mod sign_in_dialog;
