//! fake-plex is faithful enough for an independent client: python-plexapi
//! (XML, its own connection logic) lists resources, connects, lists sections
//! and items. The fake-plex binary runs as a user would run it.

use fake_plex::testing::Guarded;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

#[test]
fn python_plexapi_lists_resources_connects_and_browses() {
    // Ended with the guard, also when an assertion below fails first.
    let mut fake_plex =
        Guarded::spawn(Command::new(env!("CARGO_BIN_EXE_fake-plex")).stdout(Stdio::piped()).stderr(Stdio::inherit()))
            .expect("fake-plex starts");
    let mut line = String::new();
    let stdout = fake_plex.child().stdout.take().expect("piped");
    BufReader::new(stdout).read_line(&mut line).expect("info line");
    let info: serde_json::Value = serde_json::from_str(&line).expect("one JSON line");
    let dir = tempfile_dir();
    let info_file = dir.join("info.json");
    std::fs::write(&info_file, &line).unwrap();

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/plexapi_check.py");
    let out = Command::new(test_python()).arg(&script).arg(&info_file).output().expect("python3 runs");
    drop(fake_plex);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "plexapi failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&out.stdout).expect("plexapi's report");

    assert_eq!(seen["username"], info["username"]);
    let servers = seen["servers"].as_array().unwrap();
    assert_eq!(servers.len(), info["servers"].as_array().unwrap().len());
    for (s, want) in servers.iter().zip(info["servers"].as_array().unwrap()) {
        assert_eq!(s["machine"], want["machine_identifier"]);
        let uris: Vec<&str> =
            want["connections"].as_array().unwrap().iter().map(|c| c["uri"].as_str().unwrap()).collect();
        assert!(uris.contains(&s["url"].as_str().unwrap()), "connected through one of its connections");
        assert_eq!(s["sections"]["Movies"]["type"], "movie");
        assert!(s["sections"]["Movies"]["count"].as_u64().unwrap() > 0);
        assert_eq!(s["first_show"]["seasons"], 2);
        assert_eq!(s["first_show"]["episodes_in_first"], 6);
    }
}

fn tempfile_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("plexapi-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The tests' own Python with python-plexapi (a venv made by `scripts/setup.sh test`;
/// `scripts/with-keyring.sh` says where), never whichever python3 is on PATH.
fn test_python() -> std::path::PathBuf {
    match std::env::var_os("REEL_TEST_PYTHON") {
        Some(p) => p.into(),
        None => panic!("REEL_TEST_PYTHON is not set: run this through scripts/test.sh or scripts/with-keyring.sh"),
    }
}
