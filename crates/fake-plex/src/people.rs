//! Who made and is in the generated films and shows, with the
//! fields Plex's `/library/metadata/{id}` gives them (`Role`, `Director`,
//! `Writer`: id, tag, role, a photo on Plex's metadata host that the
//! server's photo transcoder fetches), and the rest of what an item's page
//! reads: tagline, studio, content rating, critic and audience ratings.

use crate::library::{Item, Kind};
use serde_json::{json, Map, Value};

const FIRST: [&str; 8] = ["Ada", "Bruno", "Celia", "Dmitri", "Esme", "Farid", "Greta", "Hiro"];
const LAST: [&str; 6] = ["Quill", "Marlow", "Okafor", "Lindqvist", "Serrano", "Tanaka"];
const PARTS: [&str; 6] = ["The Captain", "The Stranger", "Dr. Vale", "The Narrator", "Mara", "Inspector Holt"];
const STUDIOS: [&str; 3] = ["Lantern Pictures", "Northlight Studios", "Harbor Films"];
const CONTENT_RATINGS: [&str; 4] = ["G", "PG", "PG-13", "R"];

/// How many people there are, and how many are in each film or show.
pub const PEOPLE: usize = FIRST.len() * LAST.len();
pub const CAST: usize = 12;

/// Person `p`'s name ("Ada Quill") and id (its `actor=` value).
pub fn person(p: usize) -> (String, u64) {
    (format!("{} {}", FIRST[p % FIRST.len()], LAST[p / FIRST.len() % LAST.len()]), 5000 + p as u64)
}

/// The cast of an item, in billing order: films and shows have one.
pub fn cast_of(it: &Item) -> Vec<usize> {
    if !matches!(it.kind, Kind::Movie | Kind::Show) {
        return Vec::new();
    }
    let seed = it.rating_key as usize;
    (0..CAST).map(|n| (seed * 7 + n * 5) % PEOPLE).collect()
}

/// Who directed and who wrote an item with a cast.
pub fn director_of(it: &Item) -> usize {
    (it.rating_key as usize + 3) % PEOPLE
}

pub fn writer_of(it: &Item) -> usize {
    (it.rating_key as usize + 11) % PEOPLE
}

fn person_json(p: usize, kind: &str, part: Option<&str>) -> Value {
    let (name, id) = person(p);
    let mut m = json!({"id": id, "filter": format!("{kind}={id}"), "tag": name,
        "thumb": format!("https://metadata-static.plex.tv/people/fake{id}.jpg")});
    if let (Some(part), Some(o)) = (part, m.as_object_mut()) {
        o.insert("role".into(), json!(part));
    }
    m
}

/// Adds to `m` (an item's metadata) what its page reads.
pub fn add_details(m: &mut Map<String, Value>, it: &Item) {
    let cast = cast_of(it);
    if cast.is_empty() {
        return;
    }
    let seed = it.rating_key as usize;
    m.insert("tagline".into(), json!(format!("Some stories find you: {}.", it.title)));
    m.insert("studio".into(), json!(STUDIOS[seed % STUDIOS.len()]));
    m.insert("contentRating".into(), json!(CONTENT_RATINGS[seed % CONTENT_RATINGS.len()]));
    m.insert("rating".into(), json!(5.0 + (seed % 50) as f64 / 10.0));
    m.insert("ratingImage".into(), json!("rottentomatoes://image.rating.ripe"));
    m.insert("audienceRating".into(), json!(4.0 + (seed % 60) as f64 / 10.0));
    m.insert("audienceRatingImage".into(), json!("rottentomatoes://image.rating.upright"));
    let roles: Vec<Value> =
        cast.iter().enumerate().map(|(n, &p)| person_json(p, "actor", Some(PARTS[n % PARTS.len()]))).collect();
    m.insert("Role".into(), json!(roles));
    m.insert("Director".into(), json!([person_json(director_of(it), "director", None)]));
    m.insert("Writer".into(), json!([person_json(writer_of(it), "writer", None)]));
}

/// The person a photo address names (`…/people/fake{id}.jpg`).
pub fn photo_of(url: &str) -> Option<u64> {
    let name = url.strip_prefix("https://metadata-static.plex.tv/people/fake")?;
    name.strip_suffix(".jpg")?.parse().ok()
}
