//! Tokens are secrets: this type never prints more than 4 leading characters,
//! so a token cannot leak through `{:?}`, a log line or a panic message.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Token(String);

impl Token {
    pub fn new(s: impl Into<String>) -> Self {
        Token(s.into())
    }
    /// The secret itself, for an HTTP header or the keyring. Nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

/// At most 4 leading characters, then an ellipsis.
pub fn redact(secret: &str) -> String {
    let head: String = secret.chars().take(4).collect();
    format!("{head}…")
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({})", self.redacted())
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_show_at_most_four_characters() {
        let t = Token::new("abcdefghijklmnop");
        assert_eq!(format!("{t:?}"), "Token(abcd…)");
        assert_eq!(format!("{t}"), "abcd…");
        assert_eq!(redact("ab"), "ab…");
        assert!(!format!("{:?}", Some(t.clone())).contains("efgh"));
    }
}
