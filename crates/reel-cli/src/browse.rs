//! `reel-cli items SECTION --sort year:desc --filter unwatched --filter
//! genre=Comedy [--list albums]`: a library as the app's sort and filter
//! show it, from the server, or from what was saved when it does not answer.

use anyhow::{bail, Result};
use reel_core::models::{Filter, LibraryView, Listing, Sort};
use reel_core::{Core, SectionKey, SourceId};

/// What the command line asks: `--sort`, each `--filter`, `--list`.
pub struct Asked<'a> {
    pub sort: Option<&'a str>,
    pub filters: &'a [String],
    pub listing: Option<Listing>,
}

/// The view asked for on the command line. A filter's value may be its
/// key or its name as the server lists it ("genre=Comedy"); a filter with
/// no value is switched on ("unwatched").
pub async fn view(core: &Core, source: &SourceId, section: &SectionKey, asked: &Asked<'_>) -> Result<LibraryView> {
    let sort = asked.sort.map(|s| {
        let (key, dir) = s.split_once(':').unwrap_or((s, "asc"));
        Sort { key: key.to_string(), descending: dir == "desc" }
    });
    let listing = asked.listing;
    let mut view = LibraryView { sort, filters: Vec::new(), listing };
    for f in asked.filters {
        let filter = match f.split_once('=') {
            None => Filter { key: f.clone(), value: "1".into(), title: f.clone() },
            Some((key, wanted)) => {
                let values = core.filter_values(source, section, key, listing).await.unwrap_or_default();
                let found = values.into_iter().find(|v| v.key == wanted || v.title.eq_ignore_ascii_case(wanted));
                match found {
                    Some(v) => Filter { key: key.to_string(), value: v.key, title: v.title },
                    // Offline the values are not known: a name is what saved items hold.
                    None if core.server(source).is_some_and(|s| !s.connection_info.is_online) => {
                        Filter { key: key.to_string(), value: wanted.to_string(), title: wanted.to_string() }
                    }
                    None => bail!("{key} has no value {wanted}"),
                }
            }
        };
        view.filters.push(filter);
    }
    Ok(view)
}
