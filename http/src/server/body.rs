//! [`Body`]: what a handler answers with (or a client sends): nothing, bytes in
//! hand, or a stream.
//!
//! A body of known size gets `Content-Length`; a streamed one is sent chunked (or, to
//! an HTTP/1.0 client, delimited by closing the connection), piece by piece as the
//! stream yields them, so a large download or a server-sent-event feed runs in
//! constant memory. [`Body::channel`] gives a sender to push pieces from anywhere.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use avx::sync::mpsc;
use bytes::Bytes;
use futures_core::Stream;

/// An error a body stream ends with. The server aborts the response (closing the
/// connection without the body's proper end, so the client sees it cut short).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

enum Kind {
    Empty,
    Full(Bytes),
    Stream(BoxStream),
    Channel(mpsc::Receiver<Result<Bytes, BoxError>>),
}

/// A body to send: a server's response body, or a client's request body.
///
/// ```
/// use avx_http::server::Body;
///
/// assert_eq!(Body::from("hello").exact_len(), Some(5));
/// assert_eq!(Body::empty().exact_len(), Some(0));
/// let (sender, streamed) = Body::channel(4);
/// assert_eq!(streamed.exact_len(), None);
/// # drop(sender);
/// ```
pub struct Body {
    kind: Kind,
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::Empty => "Empty",
            Kind::Full(_) => "Full",
            Kind::Stream(_) => "Stream",
            Kind::Channel(_) => "Channel",
        };
        f.debug_struct("Body")
            .field("kind", &kind)
            .field("exact_len", &self.exact_len())
            .finish()
    }
}

impl Default for Body {
    fn default() -> Body {
        Body::empty()
    }
}

impl Body {
    /// No body.
    pub fn empty() -> Body {
        Body { kind: Kind::Empty }
    }

    /// A body of these bytes.
    pub fn full(data: impl Into<Bytes>) -> Body {
        Body {
            kind: Kind::Full(data.into()),
        }
    }

    /// A body streamed from `stream`, sent piece by piece as it yields them. An error
    /// aborts the response.
    pub fn from_stream<S, E>(stream: S) -> Body
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Body {
            kind: Kind::Stream(Box::pin(MapErr {
                inner: Box::pin(stream),
            })),
        }
    }

    /// A streamed body fed through a channel holding up to `capacity` pieces (at
    /// least 1): the sender waits while the client is slower than it. The body ends
    /// when every sender is dropped.
    pub fn channel(capacity: usize) -> (BodySender, Body) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        (
            BodySender { tx },
            Body {
                kind: Kind::Channel(rx),
            },
        )
    }

    /// The body's length, if it is known before it is sent.
    pub fn exact_len(&self) -> Option<u64> {
        match &self.kind {
            Kind::Empty => Some(0),
            Kind::Full(data) => Some(data.len() as u64),
            Kind::Stream(_) | Kind::Channel(_) => None,
        }
    }

    /// A copy of a body held in full (the bytes are shared, not copied), `None` for
    /// a streamed one: what a client needs to send a request again.
    pub(crate) fn try_clone(&self) -> Option<Body> {
        match &self.kind {
            Kind::Empty => Some(Body::empty()),
            Kind::Full(data) => Some(Body::full(data.clone())),
            Kind::Stream(_) | Kind::Channel(_) => None,
        }
    }

    /// The bytes of a body held in full, `None` for a streamed one.
    pub(crate) fn take_full(&mut self) -> Option<Bytes> {
        match std::mem::replace(&mut self.kind, Kind::Empty) {
            Kind::Empty => Some(Bytes::new()),
            Kind::Full(data) => Some(data),
            other => {
                self.kind = other;
                None
            }
        }
    }

    /// The next piece of a streamed body; `None` at its end.
    pub fn poll_data(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, BoxError>>> {
        match &mut self.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(_) => match std::mem::replace(&mut self.kind, Kind::Empty) {
                Kind::Full(data) => Poll::Ready(Some(Ok(data))),
                _ => Poll::Ready(None),
            },
            Kind::Stream(stream) => stream.as_mut().poll_next(cx),
            Kind::Channel(rx) => rx.poll_recv(cx),
        }
    }
}

impl Stream for Body {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_data(cx)
    }
}

impl From<Bytes> for Body {
    fn from(data: Bytes) -> Body {
        Body::full(data)
    }
}

impl From<Vec<u8>> for Body {
    fn from(data: Vec<u8>) -> Body {
        Body::full(data)
    }
}

impl From<String> for Body {
    fn from(text: String) -> Body {
        Body::full(text)
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Body {
        Body::full(text)
    }
}

impl From<&'static [u8]> for Body {
    fn from(data: &'static [u8]) -> Body {
        Body::full(data)
    }
}

/// Maps a stream's error into [`BoxError`]. The inner stream is boxed, so this is
/// `Unpin` without pin projection.
struct MapErr<S> {
    inner: Pin<Box<S>>,
}

impl<S, E> Stream for MapErr<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(Some(Ok(data))) => Poll::Ready(Some(Ok(data))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The sending end of [`Body::channel`].
#[derive(Debug, Clone)]
pub struct BodySender {
    tx: mpsc::Sender<Result<Bytes, BoxError>>,
}

/// The error for sending on a body whose response is gone (the client left, or the
/// server aborted the response).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyClosed;

impl fmt::Display for BodyClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the response body is no longer being sent")
    }
}

impl std::error::Error for BodyClosed {}

impl BodySender {
    /// Sends the next piece, waiting while the channel is full.
    pub async fn send_data(&self, data: impl Into<Bytes>) -> Result<(), BodyClosed> {
        self.tx.send(Ok(data.into())).await.map_err(|_| BodyClosed)
    }

    /// Aborts the response: the client sees it cut short.
    pub async fn abort(self, error: impl Into<BoxError>) {
        let _ = self.tx.send(Err(error.into())).await;
    }

    /// Whether the response is gone, so sending is pointless.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use super::*;

    async fn next(body: &mut Body) -> Option<Result<Bytes, BoxError>> {
        poll_fn(|cx| body.poll_data(cx)).await
    }

    #[test]
    fn sizes_and_full_bodies() {
        assert_eq!(Body::empty().exact_len(), Some(0));
        assert_eq!(Body::from(vec![1, 2, 3]).exact_len(), Some(3));
        assert_eq!(Body::from(String::from("ab")).exact_len(), Some(2));
        let mut full = Body::from("abc");
        assert_eq!(full.take_full().unwrap(), "abc");
        let (_sender, mut streamed) = Body::channel(1);
        assert!(streamed.take_full().is_none());
        assert_eq!(
            streamed.exact_len(),
            None,
            "a refused take leaves the stream in place"
        );
    }

    #[avx::test]
    async fn channel_bodies_end_when_the_senders_are_gone() {
        let (sender, mut body) = Body::channel(2);
        sender.send_data("one").await.unwrap();
        sender.send_data(Bytes::from_static(b"two")).await.unwrap();
        drop(sender);
        assert_eq!(next(&mut body).await.unwrap().unwrap(), "one");
        assert_eq!(next(&mut body).await.unwrap().unwrap(), "two");
        assert!(next(&mut body).await.is_none());

        let (sender, body) = Body::channel(1);
        drop(body);
        assert!(sender.is_closed());
        assert_eq!(sender.send_data("lost").await, Err(BodyClosed));
    }

    #[avx::test]
    async fn stream_errors_and_aborts_come_through() {
        let (sender, mut body) = Body::channel(1);
        sender.abort("broken").await;
        assert_eq!(
            next(&mut body).await.unwrap().unwrap_err().to_string(),
            "broken"
        );

        struct Failing;
        impl Stream for Failing {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                Poll::Ready(Some(Err(std::io::Error::other("disk gone"))))
            }
        }
        let mut body = Body::from_stream(Failing);
        assert_eq!(
            next(&mut body).await.unwrap().unwrap_err().to_string(),
            "disk gone"
        );
    }
}
