//! What an item's own page tells beyond its listing: who made it and who is
//! in it, how critics and audiences rate it, its tagline, studio and
//! content rating. Asked of the server when the page opens, kept for
//! offline.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tagline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studio: Option<String>,
    /// "PG-13", "TV-MA", as the server names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_rating: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<Rating>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub directors: Vec<Person>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub writers: Vec<Person>,
    /// The cast, in billing order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cast: Vec<Person>,
}

/// Someone who made or is in an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The server's id of the person (its `actor=`/`director=` filter value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    /// The part played ("Elphaba"); None for who directed or wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Their photo: a path or an address the server's photo transcoder fetches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb: Option<String>,
}

/// A rating out of 10, and who gave it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub value: f32,
    pub source: RatingSource,
    pub by: RatedBy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RatingSource {
    RottenTomatoes,
    Imdb,
    TheMovieDb,
    /// A source Reel does not know by name.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RatedBy {
    Critics,
    Audience,
}

impl RatingSource {
    /// From Plex's rating image ("rottentomatoes://image.rating.ripe",
    /// "imdb://image.rating", "themoviedb://image.rating").
    pub fn from_image(image: &str) -> Self {
        match image.split("://").next() {
            Some("rottentomatoes") => RatingSource::RottenTomatoes,
            Some("imdb") => RatingSource::Imdb,
            Some("themoviedb") => RatingSource::TheMovieDb,
            _ => RatingSource::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_s_source_is_read_from_its_image() {
        assert_eq!(RatingSource::from_image("rottentomatoes://image.rating.spilled"), RatingSource::RottenTomatoes);
        assert_eq!(RatingSource::from_image("imdb://image.rating"), RatingSource::Imdb);
        assert_eq!(RatingSource::from_image("themoviedb://image.rating"), RatingSource::TheMovieDb);
        assert_eq!(RatingSource::from_image(""), RatingSource::Other);
    }
}
