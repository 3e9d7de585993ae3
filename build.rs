//! Build constants come from the environment (meson sets them); plain
//! `cargo build` uses the defaults in src/build_info.rs.
fn main() {
    for var in ["REEL_APP_ID", "REEL_VERSION", "REEL_LOCALEDIR"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
}
