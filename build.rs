//! Build constants come from the environment (meson sets them); plain
//! `cargo build` uses the defaults in src/build_info.rs. The settings
//! schema is compiled here too, for runs of Reel that were not installed
//! (`cargo run`, the tests): see src/window/state.rs.
use std::path::PathBuf;
use std::process::Command;

fn main() {
    for var in ["REEL_APP_ID", "REEL_VERSION", "REEL_LOCALEDIR"] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    println!("cargo:rerun-if-changed=data/dev.arsfeld.Reel.gschema.xml");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("schemas");
    std::fs::create_dir_all(&out).expect("the schema directory");
    let compiled =
        Command::new("glib-compile-schemas").arg("--strict").arg("--targetdir").arg(&out).arg("data").status();
    match compiled {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("glib-compile-schemas failed ({s}) on data/dev.arsfeld.Reel.gschema.xml"),
        Err(e) => panic!("glib-compile-schemas (Debian: libglib2.0-bin; scripts/setup.sh installs it): {e}"),
    }
}
