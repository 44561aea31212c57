//! Writing responses: the server's own error answers, and a handler's body, framed
//! by the encoder its head chose.
//!
//! Small pieces are copied into the connection's write buffer, so a head and a short
//! body (or several ready chunks) leave in one write; a large piece is written from
//! its own buffer, after the framing that precedes it, with one vectored write.

use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::task::Poll;

use avx::io::{AsyncWrite, AsyncWriteExt};
use bytes::{Bytes, BytesMut};

use super::{Body, BoxError};
use crate::http1::{BodyEncoder, ResponseContext, encode_response_head};
use crate::{HttpDate, Method, ResponseHead, StatusCode, Version};

/// Pieces up to this size are copied into the write buffer.
const COPY_LIMIT: usize = 16 * 1024;
/// A write buffer this full is written out before more is added.
const FLUSH_AT: usize = 64 * 1024;

/// A complete response with `status`, a short text body, and `Connection: close`.
pub(crate) fn error_response(status: StatusCode, date: HttpDate) -> BytesMut {
    let text = format!("{status}\n");
    let mut context = ResponseContext::new(Method::GET, Version::Http11);
    context.keep_alive = false;
    context.date = Some(date);
    let mut head = ResponseHead::new(status);
    head.headers.append(
        crate::header::CONTENT_TYPE,
        crate::HeaderValue::from_static("text/plain"),
    );
    let mut out = BytesMut::with_capacity(160);
    let encoded = encode_response_head(&head, &context, Some(text.len() as u64), &mut out);
    // The head is the server's own: a status, a valid field and a known length.
    debug_assert!(encoded.is_ok());
    out.extend_from_slice(text.as_bytes());
    out
}

/// Writes all of `parts` with vectored writes.
async fn write_parts<W: AsyncWrite + Unpin>(writer: &mut W, parts: &mut [&[u8]]) -> io::Result<()> {
    let mut parts = &mut parts[..];
    loop {
        while parts.first().is_some_and(|part| part.is_empty()) {
            parts = &mut parts[1..];
        }
        if parts.is_empty() {
            return Ok(());
        }
        let slices: Vec<IoSlice<'_>> = parts.iter().map(|part| IoSlice::new(part)).collect();
        let mut written = writer.write_vectored(&slices).await?;
        if written == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        for part in parts.iter_mut() {
            let step = written.min(part.len());
            *part = &part[step..];
            written -= step;
        }
    }
}

/// Adds one piece of body data to the output: copied into `wbuf` when small, else
/// written out with the framing around it.
async fn put_data<W: AsyncWrite + Unpin>(
    writer: &mut W,
    wbuf: &mut BytesMut,
    encoder: &mut BodyEncoder,
    data: &Bytes,
) -> io::Result<bool> {
    if data.len() <= COPY_LIMIT {
        if encoder.encode_data(data, wbuf).is_err() {
            return Ok(false);
        }
        if wbuf.len() >= FLUSH_AT {
            writer.write_all(wbuf).await?;
            wbuf.clear();
        }
        return Ok(true);
    }
    let Ok(suffix) = encoder.encode_data_header(data.len(), wbuf) else {
        return Ok(false);
    };
    write_parts(writer, &mut [&wbuf[..], &data[..], suffix]).await?;
    wbuf.clear();
    Ok(true)
}

/// The outcome of one poll of a body: `None` if it was not ready, else what
/// `poll_data` gave (a panic in the stream becomes an error).
pub(crate) type Polled = Option<Option<Result<Bytes, BoxError>>>;

fn poll_guarded(
    body: &mut Body,
    cx: &mut std::task::Context<'_>,
) -> Poll<Option<Result<Bytes, BoxError>>> {
    match catch_unwind(AssertUnwindSafe(|| body.poll_data(cx))) {
        Ok(polled) => polled,
        Err(_) => Poll::Ready(Some(Err("the body stream panicked".into()))),
    }
}

/// Polls `body` once.
pub(crate) async fn poll_once(body: &mut Body) -> Polled {
    poll_fn(|cx| match poll_guarded(body, cx) {
        Poll::Ready(item) => Poll::Ready(Some(item)),
        Poll::Pending => Poll::Ready(None),
    })
    .await
}

/// Writes `body` after the head already in `wbuf`, framed by `encoder`, starting
/// with `first`, a piece already polled from it, if any. `Ok(false)`
/// when the response had to be cut short (the body stream failed or panicked, or
/// yielded more or fewer bytes than its head declared): the connection must close
/// without another byte. The last bytes may stay in `wbuf`, for the caller to flush.
pub(crate) async fn write_body<W: AsyncWrite + Unpin>(
    writer: &mut W,
    wbuf: &mut BytesMut,
    body: &mut Body,
    encoder: &mut BodyEncoder,
    first: Polled,
) -> io::Result<bool> {
    if let Some(data) = body.take_full() {
        if !put_data(writer, wbuf, encoder, &data).await? {
            return Ok(false);
        }
        return Ok(encoder.encode_end(None, wbuf).is_ok());
    }
    let mut first = first;
    loop {
        let pending_writes = !wbuf.is_empty();
        // `None`: nothing ready, and there are bytes to send meanwhile.
        let next = match first.take() {
            Some(item) => Some(item),
            None => {
                poll_fn(|cx| match poll_guarded(body, cx) {
                    Poll::Ready(item) => Poll::Ready(Some(item)),
                    Poll::Pending if pending_writes => Poll::Ready(None),
                    Poll::Pending => Poll::Pending,
                })
                .await
            }
        };
        match next {
            None => {
                writer.write_all(wbuf).await?;
                wbuf.clear();
            }
            Some(None) => return Ok(encoder.encode_end(None, wbuf).is_ok()),
            Some(Some(Ok(data))) => {
                if !put_data(writer, wbuf, encoder, &data).await? {
                    return Ok(false);
                }
            }
            Some(Some(Err(_))) => return Ok(false),
        }
    }
}
