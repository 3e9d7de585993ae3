//! What travels with a finished download, for playing and showing it with
//! no network: its sidecar subtitles and its pictures.

use super::{on_store, Core};
use crate::models::Download;

/// The size a download's poster is kept at: the item page's, on a
/// display of twice the pixels (smaller views scale it down).
const KEPT_POSTER: (u32, u32) = (400, 600);
/// The size a download's backdrop is kept at.
const KEPT_BACKDROP: (u32, u32) = (1280, 720);

impl Core {
    /// Keeps the subtitle files the server has beside `d`'s media, for
    /// playing it with no network. One that cannot be had now is fetched
    /// when it plays with the server there, as for any stream.
    pub(super) async fn keep_sidecars(&self, d: &Download) {
        let store = self.downloads.clone();
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        let wanted: Vec<(String, Option<String>)> = match on_store(store, move |s| s.playable(&id, &key)).await {
            Ok(Some(p)) => crate::services::downloads::store::sidecars_of(&p)
                .filter_map(|s| Some((s.key.clone()?, s.codec.clone())))
                .collect(),
            Ok(None) => Vec::new(),
            Err(e) => return tracing::warn!("a download's subtitles were not looked for: {e}"),
        };
        for (key, codec) in wanted {
            let k = key.as_str();
            let bytes = match self.connections.call(d.source_id.as_str(), |c| async move { c.sidecar(k).await }).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!("a download's subtitle file was not kept: {e}");
                    continue;
                }
            };
            let (store, id) = (self.downloads.clone(), d.source_id.clone());
            if let Err(e) = on_store(store, move |s| s.keep_sidecar(&id, &key, codec.as_deref(), &bytes)).await {
                tracing::warn!("a download's subtitle file was not kept: {e}");
            }
        }
    }

    /// Keeps the pictures `d`'s pages show (its poster and backdrop, and
    /// those of what holds it) beside the downloads, so they show with no
    /// network even when the poster cache was cleared. One the server
    /// cannot send now is left to the poster cache, as for any item.
    pub(super) async fn keep_images(&self, d: &Download) {
        let (store, id, key) = (self.downloads.clone(), d.source_id.clone(), d.rating_key.clone());
        let Ok(Some(p)) = on_store(store, move |s| s.playable(&id, &key)).await else { return };
        let mut shown = vec![p.item];
        for holder in &d.within {
            let saved = self.saved_item(&d.source_id, holder).await.ok().flatten();
            let item = match saved {
                Some(item) => Some(item),
                None => self
                    .connections
                    .call(d.source_id.as_str(), |c| async move { c.metadata(holder.as_str()).await })
                    .await
                    .ok()
                    .flatten(),
            };
            shown.extend(item);
        }
        let pictures: Vec<(String, (u32, u32))> = shown
            .into_iter()
            .flat_map(|i| [(i.thumb, KEPT_POSTER), (i.art, KEPT_BACKDROP)])
            .filter_map(|(path, size)| Some((path?, size)))
            .collect();
        let _turn = self.downloads.pictures_turn().await;
        for (path, (width, height)) in &pictures {
            let (path, width, height) = (path.as_str(), *width, *height);
            let bytes = if self.downloads.kept_image(&d.source_id, path).is_some() {
                None
            } else {
                let fetched = self
                    .connections
                    .call(d.source_id.as_str(), |c| async move { c.image(path, width, height).await })
                    .await;
                match fetched {
                    Ok(b) => Some(b),
                    Err(e) => {
                        tracing::warn!("a download's picture was not kept: {e}");
                        continue;
                    }
                }
            };
            let (store, id, key, path) =
                (self.downloads.clone(), d.source_id.clone(), d.rating_key.clone(), path.to_string());
            if let Err(e) = on_store(store, move |s| s.keep_image(&id, &key, &path, bytes.as_deref())).await {
                tracing::warn!("a download's picture was not kept: {e}");
            }
        }
    }
}
