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

/// The design note's static order: the rank is the class number.
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
