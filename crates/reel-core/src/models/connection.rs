use serde::{Deserialize, Serialize};

/// One way to reach a server, as plex.tv lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Connection {
    pub uri: String,
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub local: bool,
    #[serde(default)]
    pub relay: bool,
    #[serde(default, rename = "IPv6", alias = "ipv6")]
    pub ipv6: bool,
    /// Set on a candidate Reel derived itself: plain http to the raw address
    /// of this (plex.direct) URL, for routers that refuse to resolve those names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_for: Option<String>,
}

/// The static order (README: How Reel picks a connection): the rank is the
/// class number.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionClass {
    LocalDirect = 0,
    Local = 1,
    RemoteDirect = 2,
    Relay = 3,
}

impl ConnectionClass {
    pub fn of(c: &Connection) -> Self {
        if c.local && !c.relay {
            Self::LocalDirect
        } else if c.local {
            Self::Local
        } else if !c.relay {
            Self::RemoteDirect
        } else {
            Self::Relay
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::LocalDirect => "local",
            Self::Local => "local (relayed)",
            Self::RemoteDirect => "remote",
            Self::Relay => "relay",
        }
    }
}

impl Connection {
    pub fn class(&self) -> ConnectionClass {
        ConnectionClass::of(self)
    }
    pub fn is_https(&self) -> bool {
        self.uri.starts_with("https://")
    }
}

/// What a live probe of one candidate found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum ProbeOutcome {
    /// Answered as the right server.
    Ok,
    /// Not probed, or probing stopped once a better candidate had answered.
    Skipped {
        why: String,
    },
    /// Answered, but is another server: never sent a token.
    WrongServer {
        machine_identifier: String,
    },
    Failed {
        why: String,
    },
    Timeout,
}

/// One candidate in the last selection, for diagnostics and `reel-cli servers`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProbeRecord {
    pub uri: String,
    pub class: ConnectionClass,
    /// Position in the static order (0 = best).
    pub rank: usize,
    #[serde(flatten)]
    pub outcome: ProbeOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    #[serde(default)]
    pub chosen: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ipv6: bool,
    /// A raw-address http fallback for this https URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_for: Option<String>,
}

/// Why a server is reached the way it is, for the server page and `reel-cli
/// servers` to put into words (the better-ranked candidates' fate is in the
/// probe records).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Reason {
    /// The best-ranked connection that answered as the server.
    Answered {
        class: ConnectionClass,
        latency_ms: f64,
        #[serde(default)]
        how: Choice,
        /// Plain http to the raw address of this (plex.direct) URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fallback_for: Option<String>,
    },
    /// The verified standby took over when the connection in use stopped answering.
    StandbyTookOver { class: ConnectionClass, latency_ms: f64 },
    /// The address the user entered when adding the server.
    EnteredAddress,
    /// plex.tv lists no connections for the server.
    NoConnections,
    /// No connection answered as the server.
    NoneAnswered,
}

/// How the answering connection came to be chosen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// The best-ranked one that answered.
    #[default]
    Best,
    /// It worked last time and answered at once; nothing else was probed.
    Warm,
    /// The user pinned it.
    Pinned,
    /// The user's pin did not answer, so Reel chose automatically.
    PinnedFailed,
}

/// Reads a reason as this Reel writes it; anything else (Reel 0.4 wrote an
/// English sentence) is dropped: the next probe gives a new one.
pub fn lenient_reason<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Reason>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok()))
}
