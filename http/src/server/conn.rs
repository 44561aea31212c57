//! One connection: read a head, run the handler, write the response, repeat.
//!
//! ```text
//! read_head ──request──▶ exchange ──keep-alive──▶ read_head
//!    │                      ├── close ──▶ close (flush, FIN, linger)
//!    ├── idle / EOF / shutdown ──▶ close
//!    └── bad head / timeout ──▶ reject (status, then close)
//!                           └── 101 ──▶ hand_off (the handler owns the transport)
//! ```
//!
//! Writes are gathered in `wbuf` and flushed before anything that may wait (a read,
//! a handler that is not ready, a body stream that is not ready), so pipelined
//! requests answered at once leave in one write, and nothing sits unsent while the
//! connection waits.
//!
//! Between requests, a connection waiting with nothing buffered holds neither buffer:
//! `wbuf` is dropped with the read buffer once the read would wait, and allocated
//! again (at `WRITE_BUF_SIZE`) for the next response.
//!
//! The handler's future and the request body live in this task unless the handler
//! moves the body elsewhere; the body reads from the shared [`ReadSide`], which this
//! task does not touch while the handler runs except to answer a 100 request.
//!
//! [`ReadSide`]: super::read_side::ReadSide

use std::future::{Future, poll_fn};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::SystemTime;

use avx::io::{AsyncWrite, AsyncWriteExt};
use avx::sync::{oneshot, watch};
use avx::time::{Instant, sleep_until, timeout, timeout_at};
use bytes::BytesMut;

use super::read_side::{BodyState, BoxRead, ContinueState, Shared, lock, new_shared};
use super::respond::{error_response, poll_once, write_body};
use super::stall::{StallTimer, TimedWrite};
use super::upgrade::{BoxWrite, Upgraded};
use super::{Body, Handler, RequestBody, ServerConfig};
use crate::http1::{
    BodyDecoder, BodyError, Framing, Parsed, RequestParser, ResponseContext, encode_response_head,
};
use crate::{DateCache, Method, Request, RequestHead, Response, StatusCode, Version};

/// How long a closing connection keeps reading (and dropping) what the client still
/// sends, so that the kernel does not answer it with a reset that could destroy the
/// response before the client reads it.
const LINGER: std::time::Duration = std::time::Duration::from_secs(1);
const LINGER_BYTES: usize = 256 * 1024;

/// What `wbuf` is allocated with for a response: a typical head and small body fit,
/// and an allocation this small is cheap to make and free on every request.
const WRITE_BUF_SIZE: usize = 1024;

/// What reading the next head came to.
enum HeadOutcome {
    Request(Parsed<RequestHead>),
    /// The client left, idled out, or the server is shutting down: close quietly.
    Closed,
    /// Answer with this status, then close.
    Reject(StatusCode),
}

/// What follows an exchange.
enum Next {
    KeepAlive,
    Close,
    /// Close without writing anything more: the peer is gone or the response was cut.
    Abort,
    Upgrade(Option<oneshot::Sender<Upgraded>>),
}

/// One step of waiting for the handler.
enum HandlerStep {
    Done(Option<Response<Body>>),
    SendContinue,
    Flush,
}

pub(crate) struct Connection<'a, W, H> {
    shared: Shared,
    /// Every write is held to the config's `write_timeout`.
    writer: TimedWrite<W>,
    handler: &'a H,
    config: &'a ServerConfig,
    shutdown: Option<watch::Receiver<bool>>,
    parser: RequestParser,
    wbuf: BytesMut,
    dates: DateCache,
    /// The number of the latest request.
    request_id: u64,
    /// The latest request has a body, whose state is the read side's `body`. A
    /// request without one never touches that state, so it takes no lock for it.
    body_in_flight: bool,
}

impl<'a, W, H> Connection<'a, W, H>
where
    W: AsyncWrite + Send + Unpin + 'static,
    H: Handler,
{
    pub(crate) fn new(
        reader: BoxRead,
        writer: W,
        handler: &'a H,
        config: &'a ServerConfig,
        shutdown: Option<watch::Receiver<bool>>,
    ) -> Self {
        Connection {
            shared: new_shared(reader),
            writer: TimedWrite::new(writer, config.write_timeout),
            handler,
            config,
            shutdown,
            parser: RequestParser::new(&config.limits),
            // Allocated for the first response.
            wbuf: BytesMut::new(),
            dates: DateCache::new(SystemTime::now()),
            request_id: 0,
            body_in_flight: false,
        }
    }

    /// Serves requests until the connection ends.
    ///
    /// Not an `async fn`: one would keep the connection twice in its state (the
    /// argument and the local it is moved to); this block works on the one it captured.
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would hold the connection twice"
    )]
    pub(crate) fn run(mut self) -> impl Future<Output = io::Result<()>> {
        async move {
            let mut first = true;
            // One await of `close` after the loop, not one per way out of it, keeps
            // this future small.
            let close = loop {
                let parsed = match self.read_head(first).await? {
                    HeadOutcome::Request(parsed) => parsed,
                    HeadOutcome::Closed => break true,
                    HeadOutcome::Reject(status) => {
                        self.queue_error(status);
                        break true;
                    }
                };
                first = false;
                // Boxed: the exchange's state (handler future, response, body writer) is
                // most of this future's size, and an idle connection need not hold it.
                match Box::pin(self.exchange(parsed)).await? {
                    Next::KeepAlive => {}
                    Next::Close => break true,
                    Next::Abort => break false,
                    // Boxed, as rare: it holds the connection by value beside `self`.
                    Next::Upgrade(tx) => return Box::pin(self.hand_off(tx)).await,
                }
            };
            if close { self.close().await } else { Ok(()) }
        }
    }

    fn shutting_down(&self) -> bool {
        // An atomic load while nothing was ever sent: the lock `borrow` takes is
        // paid only once the server has signalled.
        self.shutdown
            .as_ref()
            .is_some_and(|rx| !matches!(rx.has_changed(), Ok(false)) && *rx.borrow())
    }

    async fn flush(&mut self) -> io::Result<()> {
        if !self.wbuf.is_empty() {
            self.writer.write_all(&self.wbuf).await?;
            self.wbuf.clear();
        }
        Ok(())
    }

    async fn read_head(&mut self, first: bool) -> io::Result<HeadOutcome> {
        let config = self.config;
        // When the connection began to wait: the clock is read only once it must
        // wait, so a pipelined request already buffered costs no clock read.
        let mut waiting_since = None;
        // A connection's first request is held to the header timeout from the accept
        // (its first wait); later ones from their first byte.
        let mut deadline = None;
        loop {
            let idle = {
                let mut side = lock(&self.shared);
                match self.parser.parse(&mut side.buf) {
                    Ok(Some(parsed)) => {
                        // The last request's body state goes, so that a body of it
                        // kept by its handler reads as stale from now on.
                        side.body = None;
                        return Ok(HeadOutcome::Request(parsed));
                    }
                    Err(error) => return Ok(HeadOutcome::Reject(error.status())),
                    Ok(None) if side.eof => return Ok(HeadOutcome::Closed),
                    Ok(None) => side.buf.is_empty(),
                }
            };
            let now = Instant::now();
            let started = *waiting_since.get_or_insert(now);
            if (first || !idle) && deadline.is_none() {
                deadline = Some(now + config.header_read_timeout);
            }
            self.flush().await?;
            let shared = &self.shared;
            let wbuf = &mut self.wbuf;
            let read = poll_fn(|cx| {
                if !idle {
                    return lock(shared).poll_fill(cx);
                }
                let result = lock(shared).poll_fill_idle(cx);
                if result.is_pending() {
                    // Flushed above: nothing in it to lose.
                    *wbuf = BytesMut::new();
                }
                result
            });
            let result = if idle {
                let limit = deadline.unwrap_or(started + config.keep_alive_timeout);
                let shutdown = wait_for_shutdown(self.shutdown.as_mut());
                avx::select! {
                    result = read => result,
                    _ = sleep_until(limit) => return Ok(HeadOutcome::Closed),
                    _ = shutdown => return Ok(HeadOutcome::Closed),
                }
            } else {
                // Set above whenever bytes of a head are buffered.
                let deadline = deadline.unwrap_or(now);
                match timeout_at(deadline, read).await {
                    Ok(result) => result,
                    Err(_) => return Ok(HeadOutcome::Reject(StatusCode::REQUEST_TIMEOUT)),
                }
            };
            result?;
        }
    }

    /// Runs one request and writes its response.
    async fn exchange(&mut self, parsed: Parsed<RequestHead>) -> io::Result<Next> {
        let Parsed { head, framing } = parsed;
        let decoder = match BodyDecoder::new(framing, &self.config.limits) {
            Ok(decoder) => decoder,
            Err(error) => return self.reject(error.status()).await.map(|()| Next::Abort),
        };
        self.request_id += 1;
        let id = self.request_id;
        let method = head.method.clone();
        let version = head.version;
        let mut keep_alive = head.wants_keep_alive();
        let has_body = !decoder.is_done();
        let expect = if has_body && head.expects_continue() {
            ContinueState::Pending
        } else {
            ContinueState::NotExpected
        };
        self.body_in_flight = has_body;
        if has_body {
            lock(&self.shared).body = Some(BodyState {
                id,
                decoder,
                expect,
                conn_waker: None,
                body_waker: None,
                error: None,
                io_failed: false,
                read_timer: StallTimer::new(self.config.body_read_timeout),
                timed_out: false,
            });
        }
        let exact_len = match framing {
            Framing::Length(len) => Some(len),
            Framing::Empty => Some(0),
            _ => None,
        };
        let mut body = RequestBody::new(has_body.then(|| self.shared.clone()), id, exact_len);
        let upgrade_tx = head.wants_upgrade().then(|| {
            let (tx, rx) = oneshot::channel();
            body.upgrade = Some(rx);
            tx
        });

        let response = self.call(Request::new(head, body), id).await?;

        // A fault in the body the client sent is answered by the server, whatever the
        // handler made of it.
        let body_fault = self
            .body_in_flight
            .then(|| {
                lock(&self.shared).body_of(id).and_then(|body| {
                    if body.timed_out {
                        return Some(Some(StatusCode::REQUEST_TIMEOUT));
                    }
                    match body.error {
                        Some(BodyError::Incomplete) => Some(None),
                        Some(error) => Some(Some(error.status())),
                        None => body.io_failed.then_some(None),
                    }
                })
            })
            .flatten();
        match body_fault {
            Some(None) => return Ok(Next::Abort),
            Some(Some(status)) => return self.reject(status).await.map(|()| Next::Abort),
            None => {}
        }
        let response = match response {
            Some(response)
                if !response.status().is_informational()
                    || response.status() == StatusCode::SWITCHING_PROTOCOLS =>
            {
                response
            }
            // A panicking handler, or an interim status where a final one belongs.
            _ => {
                let answer = error_response(StatusCode::INTERNAL_SERVER_ERROR, self.date());
                self.wbuf.extend_from_slice(&answer);
                return Ok(Next::Close);
            }
        };
        if self.shutting_down() {
            keep_alive = false;
        }
        self.respond(id, method, version, keep_alive, response, upgrade_tx)
            .await
    }

    /// Writes the handler's response to request `id`.
    async fn respond(
        &mut self,
        id: u64,
        method: Method,
        version: Version,
        keep_alive: bool,
        response: Response<Body>,
        upgrade_tx: Option<oneshot::Sender<Upgraded>>,
    ) -> io::Result<Next> {
        let (head, mut body) = response.into_parts();
        // A streamed response may read the request body as it goes (an echo): poll it
        // once before the head, so that a 100 it asks for still precedes the head.
        let mut first_piece = None;
        let continue_pending = self.body_in_flight
            && lock(&self.shared)
                .body_of(id)
                .is_some_and(|body| body.expect == ContinueState::Pending);
        if continue_pending && body.exact_len().is_none() && method != Method::HEAD {
            first_piece = poll_once(&mut body).await;
        }
        let continue_unsent = self.body_in_flight && {
            let mut side = lock(&self.shared);
            match side.body_of(id) {
                Some(body) if body.expect == ContinueState::Requested => {
                    self.wbuf
                        .extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                    body.settle_continue(ContinueState::Sent);
                    false
                }
                Some(body) => {
                    let unsent = body.expect == ContinueState::Pending;
                    body.settle_continue(ContinueState::Skipped);
                    unsent
                }
                None => false,
            }
        };

        let mut context = ResponseContext::new(method.clone(), version);
        // Without the 100, the client may or may not send the body: its framing on
        // this connection is unknowable.
        context.keep_alive = keep_alive && !continue_unsent;
        context.date = Some(self.date());
        self.wbuf.reserve(WRITE_BUF_SIZE);
        let mark = self.wbuf.len();
        let encoded = match encode_response_head(&head, &context, body.exact_len(), &mut self.wbuf)
        {
            Ok(encoded) => encoded,
            Err(_) => {
                self.wbuf.truncate(mark);
                let answer = error_response(StatusCode::INTERNAL_SERVER_ERROR, self.date());
                self.wbuf.extend_from_slice(&answer);
                return Ok(Next::Close);
            }
        };
        if !encoded.body.is_empty() {
            let mut encoder = encoded.body;
            let complete = write_body(
                &mut self.writer,
                &mut self.wbuf,
                &mut body,
                &mut encoder,
                first_piece,
            )
            .await?;
            if !complete {
                return Ok(Next::Abort);
            }
        }
        drop(body);
        if head.is_upgrade(&method) {
            return Ok(Next::Upgrade(upgrade_tx));
        }
        if encoded.keep_alive && self.finish_request_body(id).await {
            Ok(Next::KeepAlive)
        } else {
            Ok(Next::Close)
        }
    }

    /// The `Date` of a response. The clock is read for each: responses gathered in
    /// one write may still lie minutes apart (a streamed body between them, or a slow
    /// handler with nothing to flush), so no batch may share a reading.
    fn date(&mut self) -> crate::HttpDate {
        self.dates.update(SystemTime::now());
        *self.dates.date()
    }

    /// Runs the handler to its response (`None` if it panicked), writing a
    /// `100 Continue` when the body asks for one and flushing earlier responses
    /// before waiting.
    async fn call(
        &mut self,
        request: Request<RequestBody>,
        id: u64,
    ) -> io::Result<Option<Response<Body>>> {
        let mut future = pin!(self.handler.call(request));
        let mut flushed = false;
        loop {
            let shared = &self.shared;
            let body_in_flight = self.body_in_flight;
            let pending_writes = !flushed && !self.wbuf.is_empty();
            let step = poll_fn(|cx| {
                match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx))) {
                    Ok(Poll::Ready(response)) => {
                        return Poll::Ready(HandlerStep::Done(Some(response)));
                    }
                    Err(_) => return Poll::Ready(HandlerStep::Done(None)),
                    Ok(Poll::Pending) => {}
                }
                let mut side = body_in_flight.then(|| lock(shared));
                if let Some(body) = side.as_mut().and_then(|side| side.body_of(id)) {
                    match body.expect {
                        ContinueState::Requested => return Poll::Ready(HandlerStep::SendContinue),
                        ContinueState::Pending => body.conn_waker = Some(cx.waker().clone()),
                        _ => {}
                    }
                }
                if pending_writes {
                    return Poll::Ready(HandlerStep::Flush);
                }
                Poll::Pending
            })
            .await;
            match step {
                HandlerStep::Done(response) => return Ok(response),
                HandlerStep::Flush => flushed = true,
                HandlerStep::SendContinue => {
                    self.wbuf
                        .extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
                    if let Some(body) = lock(&self.shared).body_of(id) {
                        body.settle_continue(ContinueState::Sent);
                    }
                }
            }
            self.flush().await?;
        }
    }

    /// Reads what the handler left of request `id`'s body, up to the drain limit;
    /// says whether the connection can carry another request.
    async fn finish_request_body(&mut self, id: u64) -> bool {
        if !self.body_in_flight {
            return true;
        }
        {
            let mut side = lock(&self.shared);
            let Some(body) = side.body_of(id) else {
                return true;
            };
            if body.error.is_some() || body.io_failed || body.timed_out {
                return false;
            }
            if body.decoder.is_done() {
                return true;
            }
        }
        // A body still held elsewhere (moved out of the handler) may be read from
        // another task: leave it be and end the connection after this response.
        if Arc::strong_count(&self.shared) > 1 {
            return false;
        }
        let shared = &self.shared;
        let max_drain = self.config.max_drain;
        let mut drained = 0;
        let drain = poll_fn(|cx| lock(shared).poll_drain(cx, &mut drained, max_drain));
        timeout(self.config.header_read_timeout, drain)
            .await
            .unwrap_or(false)
    }

    /// Answers with `status` and closes.
    async fn reject(&mut self, status: StatusCode) -> io::Result<()> {
        self.queue_error(status);
        self.close().await
    }

    /// Puts a response with `status` (and no body) in `wbuf`.
    fn queue_error(&mut self, status: StatusCode) {
        let response = error_response(status, self.date());
        self.wbuf.extend_from_slice(&response);
    }

    /// Flushes, sends FIN, and reads what the client still sends for a short while.
    async fn close(&mut self) -> io::Result<()> {
        self.flush().await?;
        self.writer.shutdown().await?;
        let shared = &self.shared;
        let mut dropped = 0;
        let linger = poll_fn(|cx| lock(shared).poll_discard(cx, &mut dropped, LINGER_BYTES));
        let _ = timeout(LINGER, linger).await;
        Ok(())
    }

    /// Gives the transport to the handler's [`OnUpgrade`](super::upgrade::OnUpgrade),
    /// or closes it if nobody claimed it.
    async fn hand_off(mut self, tx: Option<oneshot::Sender<Upgraded>>) -> io::Result<()> {
        self.flush().await?;
        let claimed = tx.filter(|tx| !tx.is_closed());
        let taken = {
            let mut side = lock(&self.shared);
            claimed.is_some().then(|| {
                side.reader
                    .take()
                    .map(|reader| (reader, side.buf.split().freeze()))
            })
        };
        match (claimed, taken.flatten()) {
            (Some(tx), Some((reader, buffered))) => {
                // The new protocol sets its own timeouts.
                let writer: BoxWrite = Box::new(self.writer.into_inner());
                let _ = tx.send(Upgraded::new(reader, writer, buffered));
                Ok(())
            }
            _ => self.close().await,
        }
    }
}

/// Resolves once the server starts shutting down; never without a signal.
async fn wait_for_shutdown(rx: Option<&mut watch::Receiver<bool>>) {
    match rx {
        Some(rx) => {
            // A closed channel means the server is gone: shut down too.
            let _ = rx.wait_for(|&stop| stop).await;
        }
        None => std::future::pending().await,
    }
}
