//! Every Plex JSON answer Reel reads (servers and plex.tv), to the models.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| reel_core::fuzz_entry::plex_json(data));
