//! What a playback session asks of the core, carried out: one place maps
//! each [`CoreCall`] to the facade function that answers it, so a player
//! only passes calls in and answers back.

use super::Core;
use crate::services::playback::session::{Answer, CoreCall, QueueChange};
use crate::services::playback::{Capabilities, Format};

/// A player that decodes nothing: the server's transcoder makes what it plays.
struct NothingDirect;

impl Capabilities for NothingDirect {
    fn can_decode(&self, _: &Format) -> bool {
        false
    }
}

impl Core {
    /// Carries out `call` for a player that decodes what `caps` says.
    pub async fn carry_out(&self, call: CoreCall, caps: &dyn Capabilities) -> Answer {
        match call {
            CoreCall::Prepare { source_id, rating_key, start_ms, transcode } => {
                let caps: &dyn Capabilities = if transcode { &NothingDirect } else { caps };
                Answer::Prepared(self.prepare_playback(&source_id, &rating_key, caps, start_ms).await)
            }
            CoreCall::FindNext { source_id, item } => {
                // Not knowing what follows is no failure: nothing is offered.
                Answer::NextKnown(self.next_episode(&source_id, &item).await.ok().flatten())
            }
            CoreCall::Relocate { plan, at_ms } => Answer::Relocated { result: self.media_location(&plan).await, at_ms },
            CoreCall::Retranscode { plan, at_ms } => Answer::Retranscoded(self.transcode_from(&plan, at_ms).await),
            CoreCall::FetchSidecar { source_id, key, codec, load_at } => {
                Answer::Sidecar { result: self.sidecar_file(&source_id, &key, codec.as_deref()).await, load_at }
            }
            CoreCall::FetchArt { source_id, thumb, size: (width, height) } => {
                Answer::Art(self.poster_file(&source_id, &thumb, width, height).await)
            }
            CoreCall::MakeQueue { source_id, from, start, shuffle, keep_playing, or_local } => {
                let mut result = self.create_play_queue(&source_id, &from, start.as_ref(), shuffle).await;
                if or_local && result.as_ref().is_err_and(crate::Error::is_offline) {
                    if let Some(local) = self.local_play_queue(&source_id, &from, start.as_ref(), shuffle).await {
                        result = Ok(local);
                    }
                }
                Answer::QueueMade { result, keep_playing }
            }
            CoreCall::ChangeQueue { source_id, queue_id, entry, change } => Answer::QueueChanged(match change {
                QueueChange::Remove => self.remove_from_play_queue(&source_id, queue_id, entry).await,
                QueueChange::MoveAfter(after) => self.move_in_play_queue(&source_id, queue_id, entry, after).await,
            }),
            CoreCall::PrepareEntry { source_id, rating_key, entry, load } => Answer::EntryPrepared {
                entry,
                load,
                result: self.prepare_playback(&source_id, &rating_key, caps, 0).await,
            },
        }
    }
}
