pub mod item_page;
pub mod library_view;
pub mod poster;
pub mod preferences;
pub mod server_page;
pub mod shortcuts;
pub mod sidebar;
pub mod sign_in_dialog;
