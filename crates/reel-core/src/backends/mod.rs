pub mod plex;
