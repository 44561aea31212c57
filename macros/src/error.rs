//! A compile error with the span of the offending tokens.

use crate::tokens::{Delim, Span, Tt, template};

/// An error reported by `compile_error!`, pointing from `start` to `end`.
///
/// On stable Rust a diagnostic cannot be given a span range directly; emitting the
/// `compile_error!` path at `start` and its braces at `end` makes the compiler
/// underline everything in between.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Error<S> {
    pub(crate) message: String,
    pub(crate) start: Span<S>,
    pub(crate) end: Span<S>,
}

impl<S: Copy> Error<S> {
    /// An error pointing at one token.
    pub(crate) fn new(span: Span<S>, message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            start: span,
            end: span,
        }
    }

    /// An error covering `tokens` (the call site when there are none).
    pub(crate) fn spanning(tokens: &[Tt<S>], message: impl Into<String>) -> Self {
        let start = tokens.first().map_or(Span::CallSite, Tt::span);
        let end = tokens.last().map_or(start, Tt::span);
        Error {
            message: message.into(),
            start,
            end,
        }
    }

    /// `::core::compile_error! { "message" }`.
    pub(crate) fn to_compile_error(&self) -> Vec<Tt<S>> {
        let mut tokens = template("::core::compile_error!", self.start, vec![]);
        let message = Tt::string(&self.message, self.end);
        tokens.push(Tt::group(Delim::Brace, vec![message], self.end));
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{lex_input, normalized, render};

    #[test]
    fn compile_error_spans_from_first_to_last_token() {
        let input = lex_input("worker_threads = 2");
        let error = Error::spanning(&input, "bad \"value\"");
        assert_eq!(error.start, Span::Input("worker_threads"));
        assert_eq!(error.end, Span::Input("2"));
        let tokens = error.to_compile_error();
        assert_eq!(
            render(&tokens),
            normalized(r#"::core::compile_error! { "bad \"value\"" }"#)
        );
        assert_eq!(tokens[0].span(), Span::Input("worker_threads"));
        assert_eq!(tokens.last().map(Tt::span), Some(Span::Input("2")));
    }
}
