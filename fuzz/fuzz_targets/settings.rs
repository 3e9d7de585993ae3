//! The settings file, and what a damaged one still names.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reel_core::fuzz_entry::settings(data));
