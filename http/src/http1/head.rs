//! The resumable head scanner: one state machine for request heads, response heads
//! and trailer sections.
//!
//! It reads a head at the front of a buffer that only grows between calls, and records
//! where each part lies (spans into the buffer); the typed head is built from the spans
//! once the head is complete ([`super::parse`]). Every byte is examined at most twice:
//! a call that runs out of bytes stores the phase and position and the next call
//! continues there, so a peer trickling a head byte by byte costs linear time. (A
//! field line that is whole in the buffer is read in one go; one that is not, or that
//! holds a fault, is read again by the phases from its start, and only once.) The
//! decision at each byte depends only on the bytes before it. That last property makes a head
//! fed in pieces end exactly as the same head fed at once: same head, same error.
//!
//! ```text
//! request:  Leading ─CRLF─▶ Leading ─token─▶ Method ─SP─▶ Target ─SP─▶ RequestVersion ─CR─▶ StartLf
//! response: ResponseVersion ─SP─▶ Status ─SP─▶ Reason ─CR─▶ StartLf    (Status ─CR─▶ StartLf too)
//! StartLf ─LF─▶ LineStart ─token─▶ Name ─:─▶ ValueOws ─▶ Value ─CR─▶ ValueLf ─LF─▶ LineStart
//! LineStart ─CR─▶ FinalLf ─LF─▶ Done            (trailers start in LineStart)
//! ```
//!
//! Line endings are CRLF only: a bare LF is [`ParseError::BareLf`], a CR without LF
//! [`ParseError::BareCr`]. RFC 9112 §2.2 lets a recipient accept a bare LF, but a
//! server that does and a proxy in front of it that does not disagree about where a
//! line ends, which is how requests are smuggled; every client worth serving sends
//! CRLF.
//!
//! The limits are checked at the byte that breaks them: the scanner never looks past
//! `max_size` bytes, a target is refused at its `max_uri + 1`th byte, and a field
//! beyond `max_headers` at its line end.

use super::error::ParseError;
use super::framing::FramingFields;
use super::scan::{target_end, value_end};
use crate::Version;
use crate::header::{INLINE_CAPACITY, is_token};

/// Which start line, if any, the head opens with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StartLine {
    Request,
    Response,
    /// A trailer section: header fields and the empty line, nothing before them.
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before a request line, where empty lines are skipped (RFC 9112 §2.2).
    Leading,
    LeadingLf,
    Method,
    Target,
    RequestVersion,
    ResponseVersion,
    Status,
    Reason,
    /// After the start line's CR.
    StartLf,
    /// At the start of a field line or of the empty line that ends the head.
    LineStart,
    Name,
    ValueOws,
    Value,
    ValueLf,
    FinalLf,
    Done,
}

/// Where one field lies in the buffer: `name` and `value` as `(start, end)`, the value
/// trimmed of surrounding whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FieldSpan {
    pub(crate) name: (usize, usize),
    pub(crate) value: (usize, usize),
}

/// The limits one scan enforces.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScanLimits {
    pub(crate) max_size: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_uri: usize,
}

/// The scanner. Spans are offsets into the buffer the caller passes each time.
///
/// INVARIANT: `pos` never exceeds the length of the buffer last scanned, and every
/// recorded span lies below `pos`; both hold across calls because the caller only
/// appends to the buffer (a shorter buffer restarts the scan).
#[derive(Clone, Debug)]
pub(crate) struct HeadScanner {
    start_line: StartLine,
    phase: Phase,
    /// The next byte to examine.
    pos: usize,
    /// The start of the token being read (method, target, version, status, reason,
    /// name, value).
    mark: usize,
    /// The end of the value being read, once its CR is seen.
    value_end: usize,
    /// The name of the field being read.
    name: (usize, usize),
    pub(crate) method: (usize, usize),
    pub(crate) target: (usize, usize),
    pub(crate) version: Version,
    pub(crate) status: u16,
    pub(crate) reason: (usize, usize),
    pub(crate) fields: Vec<FieldSpan>,
    /// Whether a recorded field's name or value is too long to be held inline, so the
    /// typed head must share the buffer.
    pub(crate) long_field: bool,
    /// What the fields that frame a body said, noted as each field is recorded (while
    /// its bytes are at hand) rather than in a second pass over the spans.
    pub(crate) framing: FramingFields,
}

/// The length of the run of token bytes at the front of `bytes`.
///
/// Four bytes a test while they last, one branch per four rather than per byte; the
/// four that hold the run's end say where it is without a second look.
#[inline(always)]
fn token_run(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(&[a, b, c, d]) = bytes.get(at..).and_then(|rest| rest.first_chunk::<4>()) {
        if !(is_token(a) & is_token(b) & is_token(c) & is_token(d)) {
            break;
        }
        at += 4;
    }
    while at < bytes.len() && is_token(bytes[at]) {
        at += 1;
    }
    at
}

impl HeadScanner {
    pub(crate) fn new(start_line: StartLine) -> HeadScanner {
        HeadScanner {
            start_line,
            phase: HeadScanner::first_phase(start_line),
            pos: 0,
            mark: 0,
            value_end: 0,
            name: (0, 0),
            method: (0, 0),
            target: (0, 0),
            version: Version::Http11,
            status: 0,
            reason: (0, 0),
            fields: Vec::new(),
            long_field: false,
            framing: FramingFields::default(),
        }
    }

    fn first_phase(start_line: StartLine) -> Phase {
        match start_line {
            StartLine::Request => Phase::Leading,
            StartLine::Response => Phase::ResponseVersion,
            StartLine::None => Phase::LineStart,
        }
    }

    /// Forgets the head scanned so far (keeping the fields' allocation), to scan the
    /// next one from the start of a buffer.
    pub(crate) fn reset(&mut self) {
        self.phase = HeadScanner::first_phase(self.start_line);
        self.pos = 0;
        // A response's version starts at the buffer's front: the mark must too.
        self.mark = 0;
        self.status = 0;
        self.fields.clear();
        self.long_field = false;
        self.framing = FramingFields::default();
    }

    /// Whether a scan has begun and not finished: some byte of a head has been
    /// examined, and the head is not complete.
    pub(crate) fn in_progress(&self) -> bool {
        self.pos > 0 && self.phase != Phase::Done
    }

    /// Scans on from where the last call stopped. `Ok(Some(len))` when the head is
    /// complete: it is `buf[..len]`, and the spans describe it. `Ok(None)` when more
    /// bytes are needed. After an error, or a complete head, the next call starts on
    /// a new head.
    pub(crate) fn scan(
        &mut self,
        buf: &[u8],
        limits: &ScanLimits,
    ) -> Result<Option<usize>, ParseError> {
        if self.pos > buf.len() || self.phase == Phase::Done {
            self.reset();
        }
        let window = &buf[..buf.len().min(limits.max_size)];
        let result = match self.run(window, limits) {
            // The head is not over within `max_size` bytes and the buffer holds more:
            // it cannot fit.
            Ok(None) if buf.len() >= limits.max_size => Err(ParseError::HeadTooLarge),
            result => result,
        };
        if result.is_err() {
            self.reset();
        }
        result
    }

    fn run(&mut self, buf: &[u8], limits: &ScanLimits) -> Result<Option<usize>, ParseError> {
        let mut pos = self.pos;
        let result = self.step(buf, &mut pos, limits);
        self.pos = pos;
        result
    }

    /// Reads the whole field line at `start` in one go, keeping its positions in
    /// registers: the position after its LF, with its span recorded. `None` when the
    /// line is not complete in `buf`, holds a fault or is one field too many; the
    /// phases then read it byte by byte from `start`, to wait for more bytes or to name
    /// the fault, so the result is the same either way. Only a scan at a line's start
    /// takes this path and a line it gives up on is finished by the phases, so each
    /// byte is still examined at most twice in all.
    #[inline(always)]
    fn field_line(&mut self, buf: &[u8], start: usize, limits: &ScanLimits) -> Option<usize> {
        let mut at = start + token_run(&buf[start..]);
        if *buf.get(at)? != b':' {
            return None;
        }
        let name = (start, at);
        at += 1;
        // Mostly one SP, then the value.
        if buf.get(at) == Some(&b' ') {
            at += 1;
        }
        while at < buf.len() && (buf[at] == b' ' || buf[at] == b'\t') {
            at += 1;
        }
        let value_start = at;
        at = value_end(buf, at);
        if buf.get(at..at + 2)? != b"\r\n" {
            return None;
        }
        let mut end = at;
        while end > value_start && (buf[end - 1] == b' ' || buf[end - 1] == b'\t') {
            end -= 1;
        }
        if self.fields.len() >= limits.max_headers {
            return None;
        }
        self.record_field(buf, name, (value_start, end));
        Some(at + 2)
    }

    #[inline(always)]
    fn record_field(&mut self, buf: &[u8], name: (usize, usize), value: (usize, usize)) {
        self.long_field |=
            (name.1 - name.0 > INLINE_CAPACITY) | (value.1 - value.0 > INLINE_CAPACITY);
        if FramingFields::may_frame(name.1 - name.0) {
            self.framing
                .observe(&buf[name.0..name.1], &buf[value.0..value.1]);
        }
        self.fields.push(FieldSpan { name, value });
    }

    #[inline]
    fn step(
        &mut self,
        buf: &[u8],
        pos: &mut usize,
        limits: &ScanLimits,
    ) -> Result<Option<usize>, ParseError> {
        loop {
            let Some(&b) = buf.get(*pos) else {
                return Ok(if self.phase == Phase::Done {
                    Some(*pos)
                } else {
                    None
                });
            };
            match self.phase {
                Phase::Leading => match b {
                    b'\r' => {
                        *pos += 1;
                        self.phase = Phase::LeadingLf;
                    }
                    b'\n' => return Err(ParseError::BareLf),
                    _ if is_token(b) => {
                        self.mark = *pos;
                        self.phase = Phase::Method;
                    }
                    _ => return Err(ParseError::InvalidMethod),
                },
                Phase::LeadingLf => {
                    if b != b'\n' {
                        return Err(ParseError::BareCr);
                    }
                    *pos += 1;
                    self.phase = Phase::Leading;
                }
                Phase::Method => {
                    let mut at = *pos;
                    while at < buf.len() && is_token(buf[at]) {
                        at += 1;
                    }
                    *pos = at;
                    let Some(&b) = buf.get(at) else {
                        return Ok(None);
                    };
                    if b != b' ' {
                        return Err(ParseError::InvalidMethod);
                    }
                    self.method = (self.mark, at);
                    *pos = at + 1;
                    self.mark = at + 1;
                    self.phase = Phase::Target;
                }
                Phase::Target => {
                    let at = target_end(buf, *pos);
                    *pos = at;
                    if at - self.mark > limits.max_uri {
                        return Err(ParseError::UriTooLong);
                    }
                    let Some(&b) = buf.get(at) else {
                        return Ok(None);
                    };
                    if b != b' ' || at == self.mark {
                        return Err(ParseError::InvalidTarget);
                    }
                    self.target = (self.mark, at);
                    *pos = at + 1;
                    self.mark = at + 1;
                    self.phase = Phase::RequestVersion;
                }
                Phase::RequestVersion | Phase::ResponseVersion => {
                    let request = self.phase == Phase::RequestVersion;
                    // The common heads in one compare.
                    if *pos == self.mark && buf.len() - *pos >= 9 {
                        let line = &buf[*pos..*pos + 9];
                        let end = if request { b'\r' } else { b' ' };
                        if line[8] == end
                            && (&line[..8] == b"HTTP/1.1" || &line[..8] == b"HTTP/1.0")
                        {
                            self.version = if line[7] == b'1' {
                                Version::Http11
                            } else {
                                Version::Http10
                            };
                            *pos += 9;
                            self.mark = *pos;
                            self.phase = if request {
                                Phase::StartLf
                            } else {
                                Phase::Status
                            };
                            continue;
                        }
                    }
                    const TEMPLATE: &[u8; 8] = b"HTTP/0.0";
                    while *pos - self.mark < 8 {
                        let Some(&b) = buf.get(*pos) else {
                            return Ok(None);
                        };
                        let expected = TEMPLATE[*pos - self.mark];
                        let ok = if expected == b'0' {
                            b.is_ascii_digit()
                        } else {
                            b == expected
                        };
                        if !ok {
                            return Err(ParseError::InvalidVersion);
                        }
                        *pos += 1;
                    }
                    let Some(&b) = buf.get(*pos) else {
                        return Ok(None);
                    };
                    match (request, b) {
                        (true, b'\r') => self.phase = Phase::StartLf,
                        (true, b'\n') => return Err(ParseError::BareLf),
                        (false, b' ') => self.phase = Phase::Status,
                        _ => return Err(ParseError::InvalidVersion),
                    }
                    self.version = match (buf[self.mark + 5], buf[self.mark + 7]) {
                        (b'1', b'1') => Version::Http11,
                        (b'1', b'0') => Version::Http10,
                        _ => return Err(ParseError::UnsupportedVersion),
                    };
                    *pos += 1;
                    self.mark = *pos;
                }
                Phase::Status => {
                    let digit = *pos - self.mark;
                    if digit < 3 {
                        // The first digit is 1-9: status codes are 100-999.
                        if !b.is_ascii_digit() || (digit == 0 && b == b'0') {
                            return Err(ParseError::InvalidStatus);
                        }
                        self.status = self.status * 10 + u16::from(b - b'0');
                        *pos += 1;
                        continue;
                    }
                    match b {
                        b' ' => {
                            *pos += 1;
                            self.mark = *pos;
                            self.phase = Phase::Reason;
                        }
                        // A status line with no SP before the CRLF: RFC 9112 §4
                        // requires the SP, but servers omit it and a client loses
                        // nothing by reading the line anyway.
                        b'\r' => {
                            self.reason = (*pos, *pos);
                            *pos += 1;
                            self.phase = Phase::StartLf;
                        }
                        b'\n' => return Err(ParseError::BareLf),
                        _ => return Err(ParseError::InvalidStatus),
                    }
                }
                Phase::Reason => {
                    let at = value_end(buf, *pos);
                    *pos = at;
                    let Some(&b) = buf.get(at) else {
                        return Ok(None);
                    };
                    match b {
                        b'\r' => {
                            self.reason = (self.mark, at);
                            *pos = at + 1;
                            self.phase = Phase::StartLf;
                        }
                        b'\n' => return Err(ParseError::BareLf),
                        _ => return Err(ParseError::InvalidReason),
                    }
                }
                Phase::StartLf => {
                    if b != b'\n' {
                        return Err(ParseError::BareCr);
                    }
                    *pos += 1;
                    self.phase = Phase::LineStart;
                }
                Phase::LineStart => match b {
                    b'\r' => {
                        *pos += 1;
                        self.phase = Phase::FinalLf;
                    }
                    b'\n' => return Err(ParseError::BareLf),
                    b' ' | b'\t' => return Err(ParseError::ObsFold),
                    _ if is_token(b) => {
                        if let Some(next) = self.field_line(buf, *pos, limits) {
                            *pos = next;
                            continue;
                        }
                        self.mark = *pos;
                        self.phase = Phase::Name;
                    }
                    _ => return Err(ParseError::InvalidHeaderName),
                },
                Phase::Name => {
                    let mut at = *pos;
                    while at < buf.len() && is_token(buf[at]) {
                        at += 1;
                    }
                    *pos = at;
                    let Some(&b) = buf.get(at) else {
                        return Ok(None);
                    };
                    match b {
                        b':' => {
                            self.name = (self.mark, at);
                            *pos = at + 1;
                            self.phase = Phase::ValueOws;
                        }
                        b' ' | b'\t' => return Err(ParseError::WhitespaceBeforeColon),
                        _ => return Err(ParseError::InvalidHeaderName),
                    }
                }
                Phase::ValueOws => {
                    let mut at = *pos;
                    while at < buf.len() && (buf[at] == b' ' || buf[at] == b'\t') {
                        at += 1;
                    }
                    *pos = at;
                    if at == buf.len() {
                        // More whitespace may follow: the value starts after it.
                        return Ok(None);
                    }
                    self.mark = at;
                    self.phase = Phase::Value;
                }
                Phase::Value => {
                    let at = value_end(buf, *pos);
                    *pos = at;
                    let Some(&b) = buf.get(at) else {
                        return Ok(None);
                    };
                    match b {
                        b'\r' => {
                            let mut end = at;
                            while end > self.mark && (buf[end - 1] == b' ' || buf[end - 1] == b'\t')
                            {
                                end -= 1;
                            }
                            self.value_end = end;
                            *pos = at + 1;
                            self.phase = Phase::ValueLf;
                        }
                        b'\n' => return Err(ParseError::BareLf),
                        _ => return Err(ParseError::InvalidHeaderValue),
                    }
                }
                Phase::ValueLf => {
                    if b != b'\n' {
                        return Err(ParseError::BareCr);
                    }
                    if self.fields.len() >= limits.max_headers {
                        return Err(ParseError::TooManyHeaders);
                    }
                    self.record_field(buf, self.name, (self.mark, self.value_end));
                    *pos += 1;
                    self.phase = Phase::LineStart;
                }
                Phase::FinalLf => {
                    if b != b'\n' {
                        return Err(ParseError::BareCr);
                    }
                    *pos += 1;
                    self.phase = Phase::Done;
                    return Ok(Some(*pos));
                }
                Phase::Done => return Ok(Some(*pos)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length of run, ended by every byte, at every position in the groups of
    /// four and the tail: the same as a byte-at-a-time count.
    #[test]
    fn token_runs() {
        for len in 0..14 {
            for run in 0..=len {
                for end in 0..=255u8 {
                    let mut bytes = vec![b'a'; len];
                    if run < len {
                        bytes[run] = end;
                    }
                    let expected = bytes.iter().take_while(|&&b| is_token(b)).count();
                    assert_eq!(token_run(&bytes), expected, "{bytes:?}");
                }
            }
        }
    }
}
