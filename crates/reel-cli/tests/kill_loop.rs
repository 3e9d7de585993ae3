//! A short kill -9 loop for CI: reel-cli killed at random moments while it
//! saves the settings and the library cache; nothing on disk is damaged and
//! the account stays. (`cargo bench -p reel-cli --bench kill_loop` runs
//! 1 000 rounds, and the app's.)

mod kill_common;

#[test]
fn killed_while_saving_loses_nothing() {
    let h = kill_common::Harness::start(env!("CARGO_BIN_EXE_reel-cli").into());
    let t = h.run(40, None);
    println!("{t:?}");
    assert!(t.killed > 0, "some rounds were cut short: {t:?}");
    assert_eq!(
        (t.corrupt_settings, t.lost_accounts, t.lost_tokens, t.corrupt_caches, t.panics),
        (0, 0, 0, 0, 0),
        "{t:?}"
    );
}
