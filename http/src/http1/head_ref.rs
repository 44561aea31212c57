//! [`RequestHeadRef`]: a request head read in place, its parts borrowed from the
//! buffer rather than copied into a typed [`RequestHead`](crate::RequestHead).

use std::fmt;

use super::head::{FieldSpan, HeadScanner};
use crate::Version;

/// A complete request head as [`RequestParser::parse_borrowed`] finds it: the method,
/// target and fields are slices of the buffer it was read from, and nothing was
/// allocated to build it.
///
/// Its bytes were checked exactly as [`RequestParser::parse`] checks them, except that
/// the target was checked only for its bytes (visible ASCII) and not for its form:
/// [`Uri::try_from`](crate::Uri) parses it.
///
/// [`RequestParser::parse`]: super::RequestParser::parse
/// [`RequestParser::parse_borrowed`]: super::RequestParser::parse_borrowed
#[derive(Clone, Copy)]
pub struct RequestHeadRef<'a> {
    head: &'a [u8],
    scanner: &'a HeadScanner,
}

impl<'a> RequestHeadRef<'a> {
    pub(crate) fn new(head: &'a [u8], scanner: &'a HeadScanner) -> RequestHeadRef<'a> {
        RequestHeadRef { head, scanner }
    }

    /// The method token, such as `b"GET"` (a token, so ASCII).
    pub fn method(&self) -> &'a [u8] {
        self.span(self.scanner.method)
    }

    /// The request target as sent, such as `b"/search?q=avx"` (visible ASCII).
    pub fn target(&self) -> &'a [u8] {
        self.span(self.scanner.target)
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        self.scanner.version
    }

    /// The header fields in the order they were sent, as `(name, value)`; a name is a
    /// token in the case it was sent in, a value has no surrounding whitespace.
    pub fn fields(&self) -> Fields<'a> {
        Fields {
            head: self.head,
            spans: self.scanner.fields.iter(),
        }
    }

    /// The head's length in bytes, up to and including its empty line: where the body
    /// or the next request starts.
    pub fn len(&self) -> usize {
        self.head.len()
    }

    /// Whether the head is empty: never, as a head holds at least its request line.
    pub fn is_empty(&self) -> bool {
        self.head.is_empty()
    }

    fn span(&self, (start, end): (usize, usize)) -> &'a [u8] {
        &self.head[start..end]
    }
}

impl fmt::Debug for RequestHeadRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        f.debug_struct("RequestHeadRef")
            .field("method", &text(self.method()))
            .field("target", &text(self.target()))
            .field("version", &self.version())
            .field(
                "fields",
                &self
                    .fields()
                    .map(|(name, value)| (text(name), text(value)))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The fields of a [`RequestHeadRef`], from [`RequestHeadRef::fields`].
#[derive(Clone, Debug)]
pub struct Fields<'a> {
    head: &'a [u8],
    spans: std::slice::Iter<'a, FieldSpan>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let span = self.spans.next()?;
        Some((
            &self.head[span.name.0..span.name.1],
            &self.head[span.value.0..span.value.1],
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for Fields<'_> {}
