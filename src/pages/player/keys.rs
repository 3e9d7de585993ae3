//! The player's keys, listed once: each one's accelerators, what it does and
//! its title in the shortcuts window come from [`PlayerKey`]. They act while
//! the player has the focus, so arrows and Space still move around the grid
//! elsewhere. Escape is the window's Back: it leaves the player.

use crate::i18n::gettext;
use reel_core::playback::Intent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayerKey {
    PlayPause,
    SeekBack,
    SeekForward,
    VolumeUp,
    VolumeDown,
    Mute,
    Fullscreen,
}

/// How far the arrow keys move.
pub const SEEK_STEP_MS: i64 = 10_000;
pub const VOLUME_STEP: f64 = 0.1;

impl PlayerKey {
    pub const ALL: [PlayerKey; 7] = [
        PlayerKey::PlayPause,
        PlayerKey::SeekBack,
        PlayerKey::SeekForward,
        PlayerKey::VolumeUp,
        PlayerKey::VolumeDown,
        PlayerKey::Mute,
        PlayerKey::Fullscreen,
    ];

    pub fn accels(self) -> &'static [&'static str] {
        match self {
            PlayerKey::PlayPause => &["space", "k"],
            PlayerKey::SeekBack => &["Left"],
            PlayerKey::SeekForward => &["Right"],
            PlayerKey::VolumeUp => &["Up"],
            PlayerKey::VolumeDown => &["Down"],
            PlayerKey::Mute => &["m"],
            PlayerKey::Fullscreen => &["f", "F11"],
        }
    }

    /// The title in the shortcuts window.
    pub fn title(self) -> String {
        match self {
            PlayerKey::PlayPause => gettext("Play or Pause"),
            PlayerKey::SeekBack => gettext("Back 10 Seconds"),
            PlayerKey::SeekForward => gettext("Forward 10 Seconds"),
            PlayerKey::VolumeUp => gettext("Louder"),
            PlayerKey::VolumeDown => gettext("Quieter"),
            PlayerKey::Mute => gettext("Mute or Unmute"),
            PlayerKey::Fullscreen => gettext("Fullscreen"),
        }
    }

    pub fn message(self) -> super::PlayerMsg {
        use super::PlayerMsg;
        match self {
            PlayerKey::PlayPause => PlayerMsg::Intent(Intent::TogglePlay),
            PlayerKey::SeekBack => PlayerMsg::Intent(Intent::SeekBy(-SEEK_STEP_MS)),
            PlayerKey::SeekForward => PlayerMsg::Intent(Intent::SeekBy(SEEK_STEP_MS)),
            PlayerKey::VolumeUp => PlayerMsg::VolumeBy(VOLUME_STEP),
            PlayerKey::VolumeDown => PlayerMsg::VolumeBy(-VOLUME_STEP),
            PlayerKey::Mute => PlayerMsg::ToggleMute,
            PlayerKey::Fullscreen => PlayerMsg::ToggleFullscreen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_listed_twice() {
        let mut all: Vec<_> = PlayerKey::ALL.iter().flat_map(|k| k.accels()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }
}
