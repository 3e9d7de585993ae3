pub mod auth_manager;
pub mod connection;
pub mod connection_history;
pub mod connection_manager;
pub mod library_cache;
pub mod library_sync;
pub mod posters;
pub mod secrets;
