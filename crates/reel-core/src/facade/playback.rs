//! Playing a movie or episode: what to fetch and how (direct play or the
//! server's transcoder), where (only a connection verified this session),
//! and what the server hears of it (timelines, the watched mark, the
//! stream choice), with the library cache kept in step.

use super::Core;
use crate::error::{Error, Result, Stored};
use crate::ids::{ItemKey, SourceId};
use crate::models::{MediaItem, Playable, ServerAction};
use crate::services::connections::Delivery;
use crate::services::playback::{Capabilities, Decision, TranscodeReason, TranscodeRequest};
use crate::token::Token;
use std::fmt;
use url::Url;

/// Where the player fetches the media, and the token it sends with every
/// request as the `X-Plex-Token` header. The URL itself holds no secret, so
/// a player's log of it leaks nothing; `Debug` shows 4 characters of the token.
#[derive(Clone)]
pub struct MediaLocation {
    pub url: Url,
    pub token: Token,
    /// The certificate authorities to trust for it (a PEM file), when they
    /// are not just the system's.
    pub trust_anchors: Option<std::path::PathBuf>,
}

impl fmt::Debug for MediaLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaLocation")
            .field("url", &self.url.as_str())
            .field("token", &self.token)
            .field("trust_anchors", &self.trust_anchors)
            .finish()
    }
}

/// Everything the player needs to start.
#[derive(Debug, Clone)]
pub struct PlaybackPlan {
    pub source_id: SourceId,
    pub playable: Playable,
    pub decision: Decision,
    pub location: MediaLocation,
    /// This playback's `X-Plex-Session-Identifier`.
    pub session: String,
    /// The fraction past which it counts as watched.
    pub threshold: f64,
    /// How far the server's transcoder works ahead of the player.
    pub transcoder_ahead_ms: u64,
    /// For a transcode: the session the server runs (stopped at the end).
    pub transcode: Option<TranscodeRequest>,
}

impl PlaybackPlan {
    /// Where a transcoded stream starts (the server begins at the offset
    /// asked; the player counts from there).
    pub fn stream_offset_ms(&self) -> u64 {
        self.transcode.as_ref().map_or(0, |t| t.offset_ms)
    }

    /// Whether a seek from `position_ms` to `target_ms` needs the
    /// transcode restarted there ([`Core::transcode_from`]).
    pub fn seek_needs_new_transcode(&self, position_ms: u64, target_ms: u64) -> bool {
        self.transcode.as_ref().is_some_and(|t| t.cannot_seek(position_ms, target_ms, self.transcoder_ahead_ms))
    }
}

/// How long a downloaded item waits for its server's word when it cannot
/// play as it was kept (the player needs the server's transcode): a server
/// that hangs (a captive portal, a half-dead connection) would otherwise
/// hold it up until the HTTP timeout.
pub const SERVER_WORD_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

/// What a converted download is played with: the server made it for a
/// player like this one.
struct PlaysItsOwnCopy;

impl Capabilities for PlaysItsOwnCopy {
    fn can_decode(&self, _: &crate::services::playback::Format) -> bool {
        true
    }
}

/// The subtitle track the server has chosen for the first part, if any.
fn selected_subtitle(playable: &Playable) -> Option<i64> {
    playable
        .first_part()
        .and_then(|(_, _, p)| p.streams.iter().find(|s| s.kind == crate::models::StreamKind::Subtitle && s.selected))
        .map(|s| s.id)
}

fn prefs_key(source_id: &SourceId) -> String {
    format!("playback_prefs:{source_id}")
}

impl Core {
    /// Gets an item ready to play from `offset_ms`: its media and markers,
    /// the server's watched threshold, and where to fetch it: the part as
    /// it is when `caps` can decode it, else the server's transcoder.
    ///
    /// A downloaded item the player can play from its file starts at once,
    /// with what was kept of it (its tracks, markers, the server's
    /// threshold as last heard): the server is not waited for, and what it
    /// says of the item now is kept for the next time. One that needs the
    /// server's transcode waits for the server's word at most
    /// [`SERVER_WORD_WAIT`], then plays as it was kept.
    #[tracing::instrument(skip(self, caps), fields(source = %source_id))]
    pub async fn prepare_playback(
        &self,
        source_id: &SourceId,
        rating_key: &ItemKey,
        caps: &dyn Capabilities,
        offset_ms: u64,
    ) -> Result<PlaybackPlan> {
        let kept = self.downloaded(source_id, rating_key).await;
        // A copy the server converted for this player plays as it is: its
        // original's formats do not matter (and no transcode is asked for).
        let converted = kept.as_ref().and_then(|(d, _)| d.quality.size());
        let caps: &dyn Capabilities = if converted.is_some() { &PlaysItsOwnCopy } else { caps };
        // What is offered to choose from is what the copy holds.
        let as_kept = |playable: Playable| match converted {
            Some(size) => playable.as_converted(size),
            None => playable,
        };
        let local = |file: &std::path::Path| {
            Url::from_file_path(file).map(|url| MediaLocation { url, token: Token::new(""), trust_anchors: None })
        };
        if let Some((d, Some(playable))) = &kept {
            let plays = crate::services::playback::decision::decide(playable, caps, selected_subtitle(playable));
            if let (Decision::DirectPlay, Ok(location)) = (plays, local(&d.file)) {
                tracing::info!(quality = d.quality.name(), "playing the downloaded file");
                self.keep_servers_word_soon(source_id, rating_key);
                return Ok(self.plan_as_kept(source_id, as_kept(playable.clone()), location).await);
            }
        }
        let asked = self.prepare_from_server(source_id, rating_key, caps, offset_ms);
        let from_server = match &kept {
            // The file is here: a server that does not answer soon does not hold it up.
            Some((_, Some(_))) => tokio::time::timeout(SERVER_WORD_WAIT, asked).await.unwrap_or_else(|_| {
                Err(Error::Timeout { host: self.server(source_id).map(|s| s.name).unwrap_or_default() })
            }),
            _ => asked.await,
        };
        match (from_server, kept) {
            (Ok(mut plan), Some((d, _))) if plan.decision == Decision::DirectPlay => {
                if let Ok(location) = local(&d.file) {
                    tracing::info!(quality = d.quality.name(), "playing the downloaded file");
                    plan.playable = as_kept(plan.playable);
                    plan.location = location;
                }
                Ok(plan)
            }
            (Err(e), Some((d, Some(playable)))) if e.is_offline() => {
                let location = local(&d.file).map_err(|()| e.clone())?;
                tracing::info!("the server is not reachable: playing the downloaded file as it was downloaded");
                Ok(self.plan_as_kept(source_id, as_kept(playable), location).await)
            }
            (r, _) => r,
        }
    }

    /// A downloaded file played as it was kept, with the server's playback
    /// settings as last heard.
    async fn plan_as_kept(&self, source_id: &SourceId, playable: Playable, location: MediaLocation) -> PlaybackPlan {
        let prefs = self.kept_prefs(source_id).await;
        PlaybackPlan {
            source_id: source_id.clone(),
            playable,
            decision: Decision::DirectPlay,
            location,
            session: uuid::Uuid::new_v4().to_string(),
            threshold: prefs.played_threshold,
            transcoder_ahead_ms: prefs.transcoder_ahead_ms,
            transcode: None,
        }
    }

    /// Asks the server, in the background, what it says of a downloaded
    /// item now (its tracks, markers, the stream choice) and keeps it with
    /// the download for the next time it plays.
    fn keep_servers_word_soon(&self, source_id: &SourceId, rating_key: &ItemKey) {
        let (connections, store) = (self.connections.clone(), self.downloads.clone());
        let (source_id, key) = (source_id.clone(), rating_key.clone());
        tokio::spawn(async move {
            let k = &key;
            let asked = connections.call(source_id.as_str(), |c| async move { c.playable(k.as_str()).await }).await;
            match asked {
                Ok(Some(playable)) => {
                    let kept = super::downloads::on_store(store, move |s| s.set_playable(&source_id, &key, &playable));
                    if let Err(e) = kept.await {
                        tracing::warn!("what the server says of a download was not kept: {e}");
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::debug!("the server's word on a download was not heard: {e}"),
            }
        });
    }

    /// The server's playback settings as last heard (Plex's own defaults
    /// before that).
    async fn kept_prefs(&self, source_id: &SourceId) -> crate::models::PlaybackPrefs {
        let defaults = crate::models::PlaybackPrefs::default();
        let auth = self.auth.clone();
        let key = prefs_key(source_id);
        let kept = tokio::task::spawn_blocking(move || auth.store().state().value(&key)).await.ok().flatten();
        let Some((threshold, ahead)) = kept.and_then(|v| serde_json::from_str::<(f64, u64)>(&v).ok()) else {
            return defaults;
        };
        crate::models::PlaybackPrefs { played_threshold: threshold, transcoder_ahead_ms: ahead }
    }

    async fn prepare_from_server(
        &self,
        source_id: &SourceId,
        rating_key: &ItemKey,
        caps: &dyn Capabilities,
        offset_ms: u64,
    ) -> Result<PlaybackPlan> {
        // The item and the threshold together; the connection that answered
        // is the one the media comes from (verified by that very answer).
        let (playable, prefs, client) = self
            .connections
            .call(source_id.as_str(), |c| async move {
                let (playable, prefs) = tokio::join!(c.playable(rating_key.as_str()), c.playback_prefs());
                // A server that will not say keeps Plex's defaults.
                Ok((playable?, prefs.unwrap_or_default(), c))
            })
            .await?;
        let auth = self.auth.clone();
        let (key, value) =
            (prefs_key(source_id), serde_json::json!([prefs.played_threshold, prefs.transcoder_ahead_ms]));
        tokio::task::spawn_blocking(move || {
            if let Err(e) = auth.store().state().set_value(&key, Some(&value.to_string())) {
                tracing::warn!("the server's playback settings were not kept: {e}");
            }
        });
        let nothing = || Error::NothingToPlay { server: self.server_name(source_id), title: rating_key.to_string() };
        let playable = playable.ok_or_else(nothing)?;
        let nothing =
            || Error::NothingToPlay { server: self.server_name(source_id), title: playable.item.title.clone() };
        let selected_subtitle = selected_subtitle(&playable);
        let decision = crate::services::playback::decision::decide(&playable, caps, selected_subtitle);
        let session = uuid::Uuid::new_v4().to_string();
        let transcode = match &decision {
            Decision::DirectPlay => None,
            Decision::Transcode(reason) => {
                let (media_index, _, _) = playable.first_part().ok_or_else(nothing)?;
                Some(TranscodeRequest {
                    rating_key: rating_key.to_string(),
                    media_index,
                    part_index: 0,
                    offset_ms,
                    session: session.clone(),
                    playback_session: session.clone(),
                    burn_subtitles: *reason == TranscodeReason::ImageSubtitle,
                    subtitle_stream: selected_subtitle,
                })
            }
        };
        let direct = match (&transcode, playable.first_part()) {
            (None, Some((_, _, part))) => Some(client.media_location(&part.key)?),
            _ => None,
        };
        let mut plan = PlaybackPlan {
            source_id: source_id.clone(),
            location: MediaLocation {
                url: Url::parse("about:blank").expect("static URL"),
                token: Token::new(""),
                trust_anchors: None,
            },
            playable,
            decision,
            session,
            threshold: prefs.played_threshold,
            transcoder_ahead_ms: prefs.transcoder_ahead_ms,
            transcode,
        };
        plan.location = match direct {
            Some((url, token)) => MediaLocation { url, token, trust_anchors: self.media_anchors.clone() },
            None => self.media_location(&plan).await?,
        };
        Ok(plan)
    }

    /// Where to fetch the plan's media now: on the connection in use, or,
    /// when that stopped answering (a stream that died mid-way), on the one
    /// the failover picks. A transcode asks the server for its decision first.
    pub async fn media_location(&self, plan: &PlaybackPlan) -> Result<MediaLocation> {
        let part_key = match plan.playable.first_part() {
            Some((_, _, part)) => part.key.clone(),
            None => {
                return Err(Error::NothingToPlay {
                    server: self.server_name(&plan.source_id),
                    title: plan.playable.item.title.clone(),
                })
            }
        };
        let transcode = plan.transcode.clone();
        let (url, token) = self
            .connections
            .call(plan.source_id.as_str(), |c| {
                let (part_key, transcode) = (part_key.clone(), transcode.clone());
                async move {
                    match transcode {
                        // The identity answer proves this connection still
                        // reaches the server before the player is sent to it.
                        None => c.identity().await.and_then(|_| c.media_location(&part_key)),
                        Some(t) => {
                            c.transcode_decision(&t).await?;
                            c.media_location(&t.start_path())
                        }
                    }
                }
            })
            .await?;
        Ok(MediaLocation { url, token, trust_anchors: self.media_anchors.clone() })
    }

    /// The plan's transcode restarted at `at_ms` (a seek the running
    /// session cannot serve): the old session is stopped first, so the
    /// server is not converting twice; the playback (its timelines) goes on.
    pub async fn transcode_from(&self, plan: &PlaybackPlan, at_ms: u64) -> Result<PlaybackPlan> {
        let Some(t) = &plan.transcode else { return Ok(plan.clone()) };
        self.stop_transcode(plan).await;
        let mut next = PlaybackPlan { transcode: Some(t.restarted_at(at_ms)), ..plan.clone() };
        next.location = self.media_location(&next).await?;
        Ok(next)
    }

    /// Tells the server what the player did (timelines, the watched mark)
    /// and keeps the library cache in step, so progress bars, Continue
    /// Watching and the watched mark change at once. Unreachable, the
    /// actions wait in the outbox, in order. Returns the item as it is now.
    ///
    /// Reports reach a server in the order this is called, however their
    /// tasks are run: the place in line is taken here, not when the future
    /// is first polled.
    pub fn report_playback(
        &self,
        source_id: &SourceId,
        item: &MediaItem,
        actions: Vec<ServerAction>,
    ) -> impl std::future::Future<Output = Result<(MediaItem, Delivery)>> + Send + 'static {
        let mut turn = self.reports.place(source_id.as_str());
        let (connections, library) = (self.connections.clone(), self.library.clone());
        let (source_id, item) = (source_id.to_string(), item.clone());
        async move {
            turn.wait().await;
            let updated = crate::services::playback::timelines::after(&item, &actions);
            let mut delivery = Delivery::Sent;
            for action in actions {
                if connections.send_action(&source_id, action).await? == Delivery::Queued {
                    delivery = Delivery::Queued;
                }
            }
            if updated != item {
                let it = updated.clone();
                super::on_blocking(library, move |l| l.record_progress(&source_id, &it)).await?;
            }
            Ok((updated, delivery))
        }
    }

    /// What plays after an episode: the next one of its season, else the
    /// first of the next season; None after the last (or for a movie).
    /// From the server, or what was saved when it cannot be reached.
    pub async fn next_episode(&self, source_id: &SourceId, episode: &MediaItem) -> Result<Option<MediaItem>> {
        if episode.kind != crate::models::ItemKind::Episode {
            return Ok(None);
        }
        let Some(season) = episode.parent_key.clone() else { return Ok(None) };
        let episodes = self.children_now(source_id, &season).await?;
        let at = episodes.iter().position(|e| e.rating_key == episode.rating_key);
        if let Some(next) = at.and_then(|i| episodes.get(i + 1)) {
            return Ok(Some(next.clone()));
        }
        let Some(show) = episode.grandparent_key.clone() else { return Ok(None) };
        let seasons = self.children_now(source_id, &show).await?;
        let Some(i) = seasons.iter().position(|s| s.rating_key == season) else { return Ok(None) };
        for later in &seasons[i + 1..] {
            if let Some(first) = self.children_now(source_id, &later.rating_key).await?.into_iter().next() {
                return Ok(Some(first));
            }
        }
        Ok(None)
    }

    /// Children from the server, else as saved (offline).
    async fn children_now(&self, source_id: &SourceId, key: &ItemKey) -> Result<Vec<MediaItem>> {
        match self.fetch_children(source_id, key).await {
            Ok(c) => Ok(c),
            Err(e) if e.is_offline() => self.saved_children(source_id, key).await,
            Err(e) => Err(e),
        }
    }

    pub(super) fn server_name(&self, source_id: &SourceId) -> String {
        self.server(source_id).map_or_else(|| source_id.to_string(), |s| s.name)
    }

    /// Ends a transcode session on the server, if the plan had one.
    pub async fn stop_transcode(&self, plan: &PlaybackPlan) {
        let Some(t) = plan.transcode.clone() else { return };
        let r = self.connections.call(plan.source_id.as_str(), |c| {
            let t = t.clone();
            async move { c.stop_transcode(&t).await }
        });
        if let Err(e) = r.await {
            tracing::warn!("transcode session not stopped: {e}");
        }
    }

    /// A subtitle file beside a part (`key`, in format `codec`: srt, ass,
    /// vtt…): the copy kept with a download, else fetched from the server
    /// (the token in a header) and kept under the cache folder; the player
    /// reads it from there. Read over HTTP,
    /// GStreamer now and then took a short SubRip file for plain text and
    /// showed nothing; a local file it reads whole, and its name says what it is.
    #[tracing::instrument(skip(self), fields(source = %source_id))]
    pub async fn sidecar_file(
        &self,
        source_id: &SourceId,
        key: &str,
        codec: Option<&str>,
    ) -> Result<std::path::PathBuf> {
        // Kept with a download: no network needed.
        let kept = self.downloads.sidecar_file(source_id, key, codec);
        if tokio::fs::try_exists(&kept).await.unwrap_or(false) {
            return Ok(kept);
        }
        let bytes = self.connections.call(source_id.as_str(), |c| async move { c.sidecar(key).await }).await?;
        let ext = crate::services::downloads::store::sidecar_ext(codec);
        let name: String =
            format!("{source_id}-{key}").chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let dir = self.subtitle_dir.clone();
        tokio::task::spawn_blocking(move || -> Result<std::path::PathBuf> {
            let io = |e: std::io::Error| Error::Storage { what: Stored::Subtitles, reason: e.to_string() };
            std::fs::create_dir_all(&dir).map_err(io)?;
            let path = dir.join(format!("{name}.{ext}"));
            let tmp = path.with_extension("part");
            std::fs::write(&tmp, &bytes).map_err(io)?;
            std::fs::rename(&tmp, &path).map_err(io)?;
            Ok(path)
        })
        .await
        .map_err(|e| Error::Internal(format!("a background task failed: {e}")))?
    }

    /// Saves the audio and subtitle choice (`Some(0)`: subtitles off) for the
    /// part on the server, for every Plex app's next playback of it.
    pub async fn choose_streams(
        &self,
        source_id: &SourceId,
        part_id: i64,
        audio: Option<i64>,
        subtitle: Option<i64>,
    ) -> Result<()> {
        self.connections
            .call(source_id.as_str(), |c| async move { c.choose_stream(part_id, audio, subtitle).await })
            .await
    }
}
