//! Build constants: defaults so plain `cargo run` works; meson overrides them
//! through the environment at build time.

pub const APP_ID: &str = match option_env!("REEL_APP_ID") {
    Some(v) => v,
    None => "dev.arsfeld.Reel",
};

pub const VERSION: &str = match option_env!("REEL_VERSION") {
    Some(v) => v,
    None => env!("CARGO_PKG_VERSION"),
};

pub const LOCALEDIR: &str = match option_env!("REEL_LOCALEDIR") {
    Some(v) => v,
    None => "/usr/share/locale",
};
