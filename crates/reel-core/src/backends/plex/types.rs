//! Plex's JSON as sent on the wire. Lenient on purpose: real servers send ids
//! as strings or numbers and booleans as true/1/"1", and fields come and go.

pub use crate::models::Hub;
use crate::models::{Connection, ItemKind, MediaItem, Section, SectionKind};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

pub(super) fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        Value::String(s) => matches!(s.as_str(), "1" | "true"),
        _ => false,
    })
}

pub(super) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

pub(super) fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
}

pub(super) fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

pub(super) fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
}

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(rename = "MediaContainer")]
    pub media_container: T,
}

/// One device from plex.tv's `/api/v2/resources`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlexResource {
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub client_identifier: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub provides: String,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub owned: bool,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub access_token: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub https_required: bool,
    #[serde(default)]
    pub connections: Vec<WireConnection>,
}

impl PlexResource {
    pub fn is_server(&self) -> bool {
        self.provides.split(',').any(|p| p.trim() == "server")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireConnection {
    #[serde(default, deserialize_with = "lenient_string")]
    pub protocol: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub address: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub port: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub uri: String,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub local: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub relay: bool,
    #[serde(default, rename = "IPv6", deserialize_with = "lenient_bool")]
    pub ipv6: bool,
}

impl From<WireConnection> for Connection {
    fn from(w: WireConnection) -> Self {
        Connection {
            uri: w.uri.trim_end_matches('/').to_string(),
            protocol: w.protocol,
            address: w.address,
            port: w.port.and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
            local: w.local,
            relay: w.relay,
            ipv6: w.ipv6,
            fallback_for: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlexUser {
    #[serde(default, deserialize_with = "lenient_string")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub uuid: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub username: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub email: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePin {
    pub id: u64,
    #[serde(deserialize_with = "lenient_string")]
    pub code: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub expires_in: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub auth_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    #[serde(deserialize_with = "lenient_string")]
    pub machine_identifier: String,
}

/// `GET /` on a server: what it calls itself.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRoot {
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub friendly_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SectionsContainer {
    #[serde(rename = "Directory", default)]
    pub directory: Vec<WireSection>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireSection {
    #[serde(deserialize_with = "lenient_string")]
    pub key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: String,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub uuid: Option<String>,
    #[serde(default, rename = "updatedAt", deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
    #[serde(default, rename = "scannedAt", deserialize_with = "lenient_i64")]
    pub scanned_at: Option<i64>,
    #[serde(default, rename = "contentChangedAt", deserialize_with = "lenient_i64")]
    pub content_changed_at: Option<i64>,
}

impl From<WireSection> for Section {
    fn from(w: WireSection) -> Self {
        let marks = [w.updated_at, w.scanned_at, w.content_changed_at];
        let version = marks
            .iter()
            .any(Option::is_some)
            .then(|| marks.map(|m| m.map(|v| v.to_string()).unwrap_or_default()).join(":"));
        Section { key: w.key.into(), title: w.title, kind: SectionKind::from_plex(&w.kind), uuid: w.uuid, version }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemsContainer {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub total_size: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub offset: Option<i64>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WireItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireItem {
    #[serde(deserialize_with = "lenient_string")]
    pub rating_key: String,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub year: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub index: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub thumb: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub art: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub view_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub view_offset: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub leaf_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub viewed_leaf_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub parent_title: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub grandparent_title: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub added_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub parent_rating_key: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub grandparent_rating_key: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub title_sort: Option<String>,
    #[serde(rename = "Genre", default)]
    pub genre: Vec<WireTag>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub last_viewed_at: Option<i64>,
    #[serde(rename = "Media", default, deserialize_with = "first_video_resolution")]
    pub video_resolution: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub originally_available_at: Option<String>,
}

/// The picture size of an item's first `Media` that names one; a `Media`
/// of another shape is no picture size, not a broken item.
fn first_video_resolution<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Listed {
        #[serde(rename = "videoResolution", default, deserialize_with = "lenient_opt_string")]
        video_resolution: Option<String>,
    }
    let value = serde_json::Value::deserialize(d)?;
    let media: Vec<Listed> = serde_json::from_value(value).unwrap_or_default();
    Ok(media.into_iter().find_map(|m| m.video_resolution.filter(|r| !r.is_empty())))
}

/// A tag of an item (a genre, a director): its name.
#[derive(Debug, Clone, Deserialize)]
pub struct WireTag {
    #[serde(default, deserialize_with = "lenient_string")]
    pub tag: String,
}

impl From<WireItem> for MediaItem {
    fn from(w: WireItem) -> Self {
        MediaItem {
            rating_key: w.rating_key.into(),
            kind: ItemKind::from_plex(&w.kind),
            title: w.title,
            year: w.year.and_then(|y| i32::try_from(y).ok()),
            index: w.index,
            summary: w.summary,
            thumb: w.thumb,
            duration_ms: w.duration,
            view_count: w.view_count.unwrap_or(0),
            view_offset_ms: w.view_offset.unwrap_or(0),
            leaf_count: w.leaf_count,
            viewed_leaf_count: w.viewed_leaf_count,
            parent_title: w.parent_title,
            grandparent_title: w.grandparent_title,
            added_at: w.added_at,
            parent_key: w.parent_rating_key.map(Into::into),
            grandparent_key: w.grandparent_rating_key.map(Into::into),
            art: w.art.filter(|a| !a.is_empty()),
            title_sort: w.title_sort.filter(|t| !t.is_empty()),
            genres: w.genre.into_iter().map(|g| g.tag).filter(|g| !g.is_empty()).collect(),
            last_viewed_at: w.last_viewed_at,
            video_resolution: w.video_resolution,
            aired: w.originally_available_at.filter(|a| !a.is_empty()),
        }
    }
}

/// `/library/metadata/{key}`: the item with what its page tells.
#[derive(Debug, Deserialize)]
pub struct DetailsContainer {
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WireDetailed>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireDetailed {
    #[serde(flatten)]
    pub item: WireItem,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub tagline: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub studio: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub content_rating: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub rating: Option<f64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub rating_image: Option<String>,
    #[serde(default, deserialize_with = "lenient_f64")]
    pub audience_rating: Option<f64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub audience_rating_image: Option<String>,
    #[serde(rename = "Director", default, deserialize_with = "lenient_people")]
    pub director: Vec<WirePerson>,
    #[serde(rename = "Writer", default, deserialize_with = "lenient_people")]
    pub writer: Vec<WirePerson>,
    #[serde(rename = "Role", default, deserialize_with = "lenient_people")]
    pub role: Vec<WirePerson>,
}

/// A list of people; one that is not a list is no one, not a broken page,
/// and a person that does not read is left out.
fn lenient_people<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<WirePerson>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(list) => list.into_iter().filter_map(|p| serde_json::from_value(p).ok()).collect(),
        _ => Vec::new(),
    })
}

#[derive(Debug, Clone, Deserialize)]
pub struct WirePerson {
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub tag: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub role: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub thumb: Option<String>,
}

impl WireDetailed {
    /// The item as listed, and what its page tells beyond that.
    pub fn split(self) -> (MediaItem, crate::models::ItemDetails) {
        use crate::models::{ItemDetails, Person, RatedBy, Rating, RatingSource};
        let people = |list: Vec<WirePerson>| -> Vec<Person> {
            list.into_iter()
                .filter(|p| !p.tag.is_empty())
                .map(|p| Person {
                    id: p.id.filter(|i| !i.is_empty()),
                    name: p.tag,
                    role: p.role.filter(|r| !r.is_empty()),
                    thumb: p.thumb.filter(|t| !t.is_empty()),
                })
                .collect()
        };
        let rating = |value: Option<f64>, image: Option<String>, by| {
            let value = value.filter(|v| v.is_finite() && (0.0..=10.0).contains(v))?;
            Some(Rating { value: value as f32, source: RatingSource::from_image(image.as_deref().unwrap_or("")), by })
        };
        let details = ItemDetails {
            tagline: self.tagline.filter(|t| !t.is_empty()),
            studio: self.studio.filter(|t| !t.is_empty()),
            content_rating: self.content_rating.filter(|t| !t.is_empty()),
            ratings: [
                rating(self.rating, self.rating_image, RatedBy::Critics),
                rating(self.audience_rating, self.audience_rating_image, RatedBy::Audience),
            ]
            .into_iter()
            .flatten()
            .collect(),
            directors: people(self.director),
            writers: people(self.writer),
            cast: people(self.role),
        };
        (self.item.into(), details)
    }
}

#[derive(Debug, Deserialize)]
pub struct HubsContainer {
    #[serde(rename = "Hub", default)]
    pub hub: Vec<WireHub>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireHub {
    #[serde(default, deserialize_with = "lenient_string")]
    pub hub_identifier: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: String,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WireItem>,
}

impl From<WireHub> for Hub {
    fn from(w: WireHub) -> Self {
        Hub { id: w.hub_identifier, title: w.title, items: w.metadata.into_iter().map(Into::into).collect() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{RatedBy, RatingSource};

    #[test]
    fn an_item_s_page_reads_its_cast_crew_and_ratings_and_shrugs_off_odd_values() {
        // The shape of a real server's `/library/metadata/{id}` (Wicked, 2024), trimmed.
        let json = r#"{"MediaContainer": {"Metadata": [{
            "ratingKey": "134703", "type": "movie", "title": "Wicked", "year": 2024,
            "studio": "Universal Pictures", "contentRating": "PG", "tagline": "Everyone deserves the chance to fly.",
            "originallyAvailableAt": "2024-11-20",
            "rating": 8.8, "ratingImage": "rottentomatoes://image.rating.ripe",
            "audienceRating": "6.9", "audienceRatingImage": "themoviedb://image.rating",
            "Director": [{"id": 235876, "filter": "director=235876", "tag": "Jon M. Chu",
                "thumb": "https://metadata-static.plex.tv/8/people/8d65.jpg"}],
            "Writer": [{"id": "319754", "tag": "Gregory Maguire"}, {"tag": ""}],
            "Role": [{"id": 252566, "tag": "Cynthia Erivo", "role": "Elphaba",
                "thumb": "https://metadata-static.plex.tv/1/people/1e02.jpg"}, {"id": 1, "tag": "No Part", "role": ""}]
        }, {"ratingKey": "2", "title": "Odd", "rating": "high", "audienceRating": 99, "Role": "not a list"}]}}"#;
        let c: Envelope<DetailsContainer> = serde_json::from_str(json).expect("the first item reads");
        let mut items = c.media_container.metadata.into_iter();
        let (item, d) = items.next().expect("an item").split();
        assert_eq!((item.title.as_str(), item.aired.as_deref()), ("Wicked", Some("2024-11-20")));
        assert_eq!(d.studio.as_deref(), Some("Universal Pictures"));
        assert_eq!(d.content_rating.as_deref(), Some("PG"));
        assert_eq!(d.tagline.as_deref(), Some("Everyone deserves the chance to fly."));
        assert_eq!(d.ratings.len(), 2);
        assert_eq!((d.ratings[0].source, d.ratings[0].by), (RatingSource::RottenTomatoes, RatedBy::Critics));
        assert_eq!((d.ratings[1].source, d.ratings[1].by), (RatingSource::TheMovieDb, RatedBy::Audience));
        assert!((d.ratings[1].value - 6.9).abs() < 1e-6, "a number sent as text reads");
        assert_eq!(d.directors[0].id.as_deref(), Some("235876"));
        assert_eq!(d.writers.len(), 1, "a nameless writer is left out");
        assert_eq!(d.cast[0].role.as_deref(), Some("Elphaba"));
        assert_eq!(d.cast[1].role, None, "an empty part is none");
        assert!(d.cast[0].thumb.as_deref().is_some_and(|t| t.starts_with("https://metadata-static.plex.tv/")));
        let (odd, d) = items.next().expect("the odd item").split();
        assert_eq!(odd.title, "Odd");
        assert!(d.ratings.is_empty(), "a rating that is no number or beyond 10 is none: {:?}", d.ratings);
        assert!(d.cast.is_empty(), "a cast that is no list is no one");
    }
}
