pub mod auth_manager;
pub mod connection;
pub mod secrets;
