//! The future of `AsyncSeekExt::seek` (and so of `rewind` and
//! `stream_position`).

use std::future::Future;
use std::io::{self, SeekFrom};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use pin_project_lite::pin_project;

use crate::io::AsyncSeek;

pin_project! {
    /// Seeks; see [`AsyncSeekExt::seek`](super::AsyncSeekExt::seek).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Seek<'a, S: ?Sized> {
        seek: &'a mut S,
        // The seek still to start; `None` once `start_seek` accepted it.
        position: Option<SeekFrom>,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn seek<S: AsyncSeek + Unpin + ?Sized>(seek: &mut S, position: SeekFrom) -> Seek<'_, S> {
    Seek {
        seek,
        position: Some(position),
        _pin: PhantomPinned,
    }
}

impl<S: AsyncSeek + Unpin + ?Sized> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.project();
        let mut seek = Pin::new(&mut **me.seek);
        if let Some(position) = *me.position {
            // A seek someone else started (and abandoned) finishes first, so
            // `start_seek` is never called while one is in flight.
            ready!(seek.as_mut().poll_complete(cx))?;
            seek.as_mut().start_seek(position)?;
            *me.position = None;
        }
        seek.poll_complete(cx)
    }
}
