//! The core's typed answers in the user's language: errors, notices, why a
//! connection was chosen, what a probe found, why playback stopped. The one
//! place the app and reel-cli turn reel-core's words into sentences; the
//! core itself never says anything to a person.

use crate::i18n::{gettext, i18n_f};
use reel_core::models::{Choice, ConnectionClass, ProbeOutcome, ProbeRecord, Reason};
use reel_core::playback::EngineError;
use reel_core::{Error, Notice, Stored};

/// "Local", "Remote", "Relay".
pub fn class_name(class: ConnectionClass) -> String {
    match class {
        ConnectionClass::LocalDirect | ConnectionClass::Local => gettext("Local"),
        ConnectionClass::RemoteDirect => gettext("Remote"),
        ConnectionClass::Relay => gettext("Relay"),
    }
}

/// A failure of something the user asked for.
pub fn error(e: &Error) -> String {
    match e {
        Error::Unauthorized => {
            gettext("Plex rejected the sign-in (the token is no longer valid). Please sign in again.")
        }
        Error::TokenRejected { host } => i18n_f("{} did not accept this token. Check it and try again.", &[host]),
        Error::Offline { host, reason } => i18n_f("Cannot reach {}: {}", &[host, reason]),
        Error::Timeout { host } => i18n_f("{} did not answer in time", &[host]),
        Error::Http { host, status, message } => match message {
            Some(m) => i18n_f("{} answered with an error (HTTP {}): {}", &[host, &status.to_string(), m]),
            None => i18n_f("{} answered with an error (HTTP {})", &[host, &status.to_string()]),
        },
        Error::BadResponse { host, reason } => i18n_f("{} sent an answer Reel cannot read: {}", &[host, reason]),
        Error::TooLarge { host, limit } => {
            i18n_f("{} sent more than {} bytes; Reel stopped reading", &[host, &limit.to_string()])
        }
        Error::Redirected { host, location } => {
            i18n_f("{} tried to send Reel to another address ({}); Reel did not follow", &[host, location])
        }
        Error::PinExpired => gettext("The sign-in code has expired. Start again to get a new code."),
        Error::KeyringUnavailable(why) => i18n_f(
            "The system keyring is not available, so Reel cannot keep your sign-in safe: {}. Saved libraries still show; start or unlock the keyring (GNOME Keyring, or another Secret Service) and refresh.",
            &[why],
        ),
        Error::Keyring(why) => i18n_f("The keyring refused: {}", &[why]),
        Error::ConfigWrite { path, reason } => {
            i18n_f("Cannot save settings to {}: {}", &[&path.display().to_string(), reason])
        }
        Error::UnknownProvider(id) => i18n_f("No account with id {}", &[id]),
        Error::UnknownSource(id) => i18n_f("No server with id {}", &[id]),
        Error::NotACandidate { server, url } => i18n_f("{} is not one of {}'s connections", &[url, server]),
        Error::NoConnection { server } => i18n_f("{} cannot be reached: none of its addresses answers as that server", &[server]),
        Error::AccessRefused { server } => i18n_f(
            "{} refused Reel's access (the share may have been removed or its token changed); refreshing the server list may help",
            &[server],
        ),
        Error::NoToken(id) => i18n_f(
            "Reel no longer has the sign-in of {} (it is not in the keyring). Saved libraries still show; sign in again to refresh them.",
            &[id],
        ),
        Error::NothingToPlay { server, title } => i18n_f("{} has no file to play for {}", &[server, title]),
        // Translators: {} is the server's name for a sort or filter ("audioLanguage").
        Error::NeedsServer { what } => i18n_f("Sorting or filtering by {} needs the server", &[what]),
        Error::NotAServerAddress { address } => {
            i18n_f("“{}” is not a server address (like http://192.168.1.10:32400)", &[address])
        }
        Error::PlainHttpRemote => {
            gettext("Plain http is only used on the local network; use the server's https address.")
        }
        Error::PlaylistNeedsName => gettext("A playlist needs a name."),
        Error::Storage { what, reason } => i18n_f("Reel could not use its saved {}: {}", &[&stored(*what), reason]),
        Error::DownloadsNotAllowed { server } => i18n_f(
            "The owner of {} does not allow downloads from it. Playing it with a network works as before.",
            &[server],
        ),
        Error::DownloadFolder { path, reason } => {
            i18n_f("Downloads cannot go into {}: {}", &[&path.display().to_string(), reason])
        }
        Error::NoDownload { key } => i18n_f("There is no download of item {}.", &[key.as_str()]),
        Error::DiskFull { what } => {
            i18n_f("There is no room left on the disk for Reel's {}. Free some space and try again.", &[&stored(*what)])
        }
        Error::Setup(why) => i18n_f("Reel could not set up its connections: {}", &[why]),
        Error::Internal(why) => i18n_f("Something went wrong inside Reel: {}", &[why]),
    }
}

/// What Reel keeps on disk, named in a sentence.
fn stored(what: Stored) -> String {
    match what {
        // Translators: "Reel could not use its saved library cache: …"
        Stored::LibraryCache => gettext("library cache"),
        Stored::ConnectionState => gettext("connection state"),
        Stored::Posters => gettext("posters"),
        Stored::Subtitles => gettext("subtitle files"),
        Stored::Downloads => gettext("downloads"),
    }
}

/// Something to tell the user at start.
pub fn notice(n: &Notice) -> String {
    match n {
        Notice::SettingsDamaged { kept_as, reason } => i18n_f(
            "Reel's settings file was damaged ({}). It was kept as {} and Reel started with fresh settings; your accounts may need to be added again.",
            &[reason, &kept_as.display().to_string()],
        ),
        Notice::LibraryCacheReset { kept_as, reason } => i18n_f(
            "The saved library data was damaged ({}); it was kept as {} and will be downloaded again.",
            &[reason, &kept_as.display().to_string()],
        ),
        Notice::LibraryCacheUnavailable { reason } => {
            i18n_f("Saved library data is not available ({}); browsing needs the network.", &[reason])
        }
    }
}

/// What one probe of a connection found.
pub fn outcome(o: &ProbeOutcome) -> String {
    match o {
        ProbeOutcome::Ok => gettext("answered"),
        ProbeOutcome::Skipped { why } => i18n_f("skipped ({})", &[why]),
        ProbeOutcome::WrongServer { .. } => gettext("is a different server"),
        ProbeOutcome::Failed { why } => i18n_f("failed ({})", &[why]),
        ProbeOutcome::Timeout => gettext("timed out"),
    }
}

/// Why a server is reached the way it is; `records` are its last probes.
pub fn reason(r: &Reason, records: &[ProbeRecord]) -> String {
    match r {
        Reason::Answered { class, latency_ms, how, fallback_for } => {
            let class = class_name(*class).to_lowercase();
            let ms = format!("{latency_ms:.0}");
            let mut why = match fallback_for {
                Some(f) => {
                    i18n_f("The {} connection answered in {} ms (plain http to the address of {})", &[&class, &ms, f])
                }
                None => i18n_f("The {} connection answered in {} ms", &[&class, &ms]),
            };
            let warm = *how == Choice::Warm;
            let how = match how {
                Choice::Warm => Some(gettext("It worked last time and answered at once.")),
                Choice::Pinned => Some(gettext("It is your pinned connection.")),
                Choice::PinnedFailed => {
                    Some(gettext("Your pinned connection did not answer, so Reel chose automatically."))
                }
                Choice::Best => None,
            };
            why.push('.');
            if let Some(h) = how {
                why.push(' ');
                why.push_str(&h);
            }
            let chosen = records.iter().position(|r| r.chosen).unwrap_or(0);
            let better: Vec<String> = records[..chosen]
                .iter()
                // A warm start skips the others on purpose: those skips say nothing.
                .filter(|b| !warm || !matches!(b.outcome, ProbeOutcome::Skipped { .. }))
                .map(|b| format!("{} {}", class_name(b.class).to_lowercase(), outcome(&b.outcome)))
                .collect();
            if !better.is_empty() {
                why.push(' ');
                why.push_str(&i18n_f("Better-ranked: {}.", &[&better.join(", ")]));
            }
            why
        }
        Reason::StandbyTookOver { class, latency_ms } => i18n_f(
            "The {} connection (verified {} ms) took over when the one in use stopped answering.",
            &[&class_name(*class).to_lowercase(), &format!("{latency_ms:.0}")],
        ),
        Reason::EnteredAddress => gettext("The address you entered."),
        Reason::NoConnections => gettext("plex.tv lists no connections for this server."),
        Reason::NoneAnswered => gettext("No connection answered."),
    }
}

/// Why playback stopped, in words; `server` is the server's name.
pub fn engine_error(e: &EngineError, server: &str) -> String {
    match e {
        EngineError::MissingCodec(name) => {
            i18n_f("This computer cannot decode {}. The server can convert it while it plays.", &[name])
        }
        // GStreamer's own words ("Internal data stream error") help no one
        // here; they are in the log.
        EngineError::Network(_) => i18n_f(
            "{} stopped sending this file. Check that the server is on and can be reached, then try again.",
            &[server],
        ),
        EngineError::Http(401 | 403) => {
            i18n_f("{} refused to send this file. Your account may no longer have access to it.", &[server])
        }
        EngineError::Http(404 | 410) => i18n_f(
            "{} no longer has this file. It may have been moved or deleted; refreshing the library may help.",
            &[server],
        ),
        EngineError::Http(429) => i18n_f("{} is too busy to send this file now. Try again in a moment.", &[server]),
        EngineError::Http(code) if *code >= 500 => {
            i18n_f("{} failed while sending this file (error {}). Try again later.", &[server, &code.to_string()])
        }
        EngineError::Http(code) => {
            i18n_f("{} answered with error {} instead of the file.", &[server, &code.to_string()])
        }
        EngineError::Decode(why) => i18n_f("The file could not be decoded (it may be damaged): {}", &[why]),
        EngineError::Other(why) => i18n_f("Playback failed: {}", &[why]),
    }
}

/// A file that ended at `at_ms`, well before its length.
pub fn ended_early(at_ms: u64, duration_ms: u64) -> String {
    i18n_f(
        "The file ends at {}, before its length of {}: it may be incomplete or damaged on the server.",
        &[&crate::clock(at_ms), &crate::clock(duration_ms)],
    )
}

/// A download's state, as a list shows it.
pub fn download_state(state: reel_core::models::DownloadState) -> String {
    use reel_core::models::DownloadState::*;
    match state {
        Queued => gettext("Queued"),
        Running => gettext("Downloading"),
        Paused => gettext("Paused"),
        Failed => gettext("Failed"),
        Done => gettext("Downloaded"),
    }
}

/// Why a download stopped short, and what to do.
pub fn download_fault(fault: &reel_core::models::DownloadFault) -> String {
    use reel_core::models::DownloadFault::*;
    match fault {
        WrongSize { expected, got } => i18n_f(
            "The server sent {} of the {} bytes it gave for the file. Asked again, the download goes on from there.",
            &[&got.to_string(), &expected.to_string()],
        ),
        Unreachable => {
            gettext("The server could not be reached. Asked again, the download goes on from where it stopped.")
        }
        Refused { status } => i18n_f("The server refused to send the file (error {}).", &[&status.to_string()]),
        DiskFull => gettext("There is no room left on the disk. Free some space and resume the download."),
        Disk { reason } => i18n_f("The file could not be written: {}", &[reason]),
        Missing => gettext("The file was deleted. Download it again to have it back."),
        ConversionFailed => {
            gettext("The server could not convert the file. Resume to ask again, or download the original quality.")
        }
    }
}

/// A search result group's title: what kind of things it holds.
pub fn search_kind(kind: reel_core::models::SearchKind) -> String {
    use reel_core::models::SearchKind;
    match kind {
        SearchKind::Movie => crate::i18n::gettext("Movies"),
        SearchKind::Show => crate::i18n::gettext("Shows"),
        SearchKind::Episode => crate::i18n::gettext("Episodes"),
        SearchKind::Artist => crate::i18n::gettext("Artists"),
        SearchKind::Album => crate::i18n::gettext("Albums"),
        SearchKind::Track => crate::i18n::gettext("Tracks"),
        SearchKind::Collection => crate::i18n::gettext("Collections"),
    }
}
