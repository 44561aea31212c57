//! A function item read at the token level: no full Rust parser needed.
//!
//! Grammar read here (anything else is kept as opaque tokens):
//!
//! ```text
//! (#[attr])*  head*  fn  name  (<generics>)?  (params)  (-> output)?  (where ...)?  { body }
//! ```
//!
//! where `head` is the visibility and qualifiers (`pub(crate)`, `async`, `unsafe`,
//! `extern "C"`, ...). `async` is taken out of the head and remembered; the body's inner
//! attributes (`#![...]`) are taken out of the body so the expansion can lift them
//! onto the function, where an `async` block cannot hold them.

use crate::error::Error;
use crate::tokens::{Delim, Group, Span, Tt, is_arrow};

/// An attribute: `#` and its bracketed content.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Attribute<S> {
    pub(crate) pound: Tt<S>,
    pub(crate) content: Group<S>,
}

impl<S: Copy> Attribute<S> {
    /// The outer form, `#[...]`.
    pub(crate) fn to_tokens(&self) -> Vec<Tt<S>> {
        vec![self.pound.clone(), Tt::Group(self.content.clone())]
    }

    /// Whether this is a test attribute: `#[test]`, or `#[::core::prelude::*::test]` /
    /// `#[std::prelude::*::test]` with or without the leading `::`.
    pub(crate) fn is_test(&self) -> bool {
        let mut segments = Vec::new();
        // `#[$meta]` from `macro_rules!` holds the path in an invisible group.
        let tokens = match self.content.tokens.as_slice() {
            [
                Tt::Group(Group {
                    delim: Delim::None,
                    tokens,
                    ..
                }),
            ] => tokens,
            tokens => tokens,
        };
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                Tt::Punct {
                    ch: ':',
                    joint: true,
                    ..
                } if tokens.get(i + 1).is_some_and(|t| t.is_punct(':')) => i += 2,
                Tt::Ident { name, .. } => {
                    segments.push(name.as_str());
                    i += 1;
                }
                // Arguments or anything else: not a bare path.
                _ => return false,
            }
        }
        let leading_colons = tokens.first().is_some_and(|t| t.is_punct(':'));
        match segments.as_slice() {
            ["test"] => !leading_colons,
            [root, "prelude", _, "test"] => *root == "core" || *root == "std",
            _ => false,
        }
    }
}

/// The parts of a function item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ItemFn<S> {
    pub(crate) attrs: Vec<Attribute<S>>,
    /// Inner attributes taken out of the body.
    pub(crate) inner_attrs: Vec<Attribute<S>>,
    /// Visibility and qualifiers, without `async`.
    pub(crate) head: Vec<Tt<S>>,
    /// The span of the `async` keyword, if present.
    pub(crate) asyncness: Option<Span<S>>,
    pub(crate) fn_token: Tt<S>,
    pub(crate) name: Tt<S>,
    pub(crate) generics: Vec<Tt<S>>,
    pub(crate) params: Group<S>,
    /// `->` (two tokens), kept to re-emit with its span.
    pub(crate) arrow: Vec<Tt<S>>,
    /// The return type's tokens, empty for `()`.
    pub(crate) output: Vec<Tt<S>>,
    pub(crate) where_clause: Vec<Tt<S>>,
    /// The body, without its inner attributes.
    pub(crate) body: Group<S>,
}

impl<S: Copy> ItemFn<S> {
    /// Reads a function item; `attribute` names the macro for the error message.
    pub(crate) fn parse(tokens: &[Tt<S>], attribute: &str) -> Result<Self, Error<S>> {
        let not_fn = || {
            Error::spanning(
                tokens,
                format!("the #[{attribute}] attribute can only be applied to a function"),
            )
        };
        let mut i = 0;
        let mut attrs = Vec::new();
        while let Some(attr) = attribute_at(tokens, i, false) {
            attrs.push(attr);
            i += 2;
        }

        let mut head = Vec::new();
        let mut asyncness = None;
        while i < tokens.len() && !tokens[i].is_ident("fn") {
            if tokens[i].is_ident("async") {
                asyncness = Some(tokens[i].span());
            } else {
                head.push(tokens[i].clone());
            }
            i += 1;
        }
        let fn_token = tokens.get(i).cloned().ok_or_else(not_fn)?;
        let name = match tokens.get(i + 1) {
            Some(name @ Tt::Ident { .. }) => name.clone(),
            _ => return Err(not_fn()),
        };
        i += 2;

        let generics_start = i;
        if tokens.get(i).is_some_and(|t| t.is_punct('<')) {
            i = skip_angle_brackets(tokens, i).ok_or_else(not_fn)?;
        }
        let generics = tokens[generics_start..i].to_vec();

        let params = match tokens.get(i).and_then(|t| t.as_group(Delim::Paren)) {
            Some(params) => params.clone(),
            None => return Err(not_fn()),
        };
        i += 1;

        // A `$body:block` forwarded by `macro_rules!` arrives in an invisible group.
        let body = match tokens
            .last()
            .and_then(|t| t.unwrap_invisible().as_group(Delim::Brace))
        {
            Some(body) if tokens.len() > i => body.clone(),
            _ => {
                let last = tokens.last().map_or(Span::CallSite, Tt::span);
                return Err(Error::new(
                    last,
                    format!("the #[{attribute}] attribute needs a function with a body"),
                ));
            }
        };
        // Between the parameters and the body: `-> output` and `where ...`, both optional.
        let rest = &tokens[i..tokens.len() - 1];
        let where_at = rest
            .iter()
            .position(|t| t.is_ident("where"))
            .unwrap_or(rest.len());
        let (signature, where_clause) = rest.split_at(where_at);
        let (arrow, output) = signature.split_at(if is_arrow(signature, 0) { 2 } else { 0 });

        let (inner_attrs, body) = take_inner_attributes(body);
        Ok(ItemFn {
            attrs,
            inner_attrs,
            head,
            asyncness,
            fn_token,
            name,
            generics,
            params,
            arrow: arrow.to_vec(),
            output: output.to_vec(),
            where_clause: where_clause.to_vec(),
            body,
        })
    }

    /// The spans of the first and last token of the body's last statement (the body's
    /// own span when it is empty): type errors about the result are reported there.
    pub(crate) fn last_statement_spans(&self) -> (Span<S>, Span<S>) {
        let tokens = &self.body.tokens;
        let end = tokens.len();
        // Statements end at top-level `;`; a trailing `;` belongs to the last statement.
        let search_end = if tokens.last().is_some_and(|t| t.is_punct(';')) {
            end - 1
        } else {
            end
        };
        let start = tokens[..search_end]
            .iter()
            .rposition(|t| t.is_punct(';'))
            .map_or(0, |p| p + 1);
        match (tokens.get(start), tokens.last()) {
            (Some(first), Some(last)) => (first.span(), last.span()),
            _ => (self.body.span, self.body.span),
        }
    }
}

/// `#[...]` (or `#![...]` when `inner`) starting at `tokens[i]`.
fn attribute_at<S: Copy>(tokens: &[Tt<S>], i: usize, inner: bool) -> Option<Attribute<S>> {
    let pound = tokens.get(i).filter(|t| t.is_punct('#'))?;
    let bang = usize::from(inner);
    if inner && !tokens.get(i + 1)?.is_punct('!') {
        return None;
    }
    let content = tokens.get(i + 1 + bang)?.as_group(Delim::Bracket)?;
    Some(Attribute {
        pound: pound.clone(),
        content: content.clone(),
    })
}

/// Index just past the `>` matching the `<` at `tokens[start]`.
fn skip_angle_brackets<S: Copy>(tokens: &[Tt<S>], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < tokens.len() {
        if is_arrow(tokens, i) {
            // `Fn() -> T` inside a bound: the `>` of `->` closes nothing.
            i += 2;
            continue;
        }
        if tokens[i].is_punct('<') {
            depth += 1;
        } else if tokens[i].is_punct('>') {
            depth -= 1;
            if depth == 0 {
                return Some(i + 1);
            }
        }
        i += 1;
    }
    None
}

fn take_inner_attributes<S: Copy>(mut body: Group<S>) -> (Vec<Attribute<S>>, Group<S>) {
    let mut attrs = Vec::new();
    let mut i = 0;
    while let Some(attr) = attribute_at(&body.tokens, i, true) {
        attrs.push(attr);
        i += 3;
    }
    body.tokens.drain(..i);
    (attrs, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{lex_input, normalized, render};

    fn parse(src: &str) -> ItemFn<&'static str> {
        ItemFn::parse(&lex_input(src), "avx::test").unwrap()
    }

    #[test]
    fn reads_a_full_signature() {
        let item = parse(
            "#[doc = \"d\"] #[inline] pub(crate) async unsafe fn run<T: Fn() -> u8>(t: T) -> Result<(), E> \
             where T: Send { #![allow(unused)] let x = 1; x }",
        );
        assert_eq!(item.attrs.len(), 2);
        assert_eq!(
            render(&item.attrs[0].to_tokens()),
            normalized("#[doc = \"d\"]")
        );
        assert_eq!(
            render(&item.inner_attrs[0].to_tokens()),
            normalized("#[allow(unused)]")
        );
        assert_eq!(render(&item.head), normalized("pub(crate) unsafe"));
        assert_eq!(item.asyncness, Some(Span::Input("async")));
        assert_eq!(render(std::slice::from_ref(&item.name)), "run");
        assert_eq!(render(&item.generics), normalized("<T: Fn() -> u8>"));
        assert_eq!(
            render(&[Tt::Group(item.params.clone())]),
            normalized("(t: T)")
        );
        assert_eq!(render(&item.arrow), normalized("->"));
        assert_eq!(render(&item.output), normalized("Result<(), E>"));
        assert_eq!(render(&item.where_clause), normalized("where T: Send"));
        assert_eq!(render(&item.body.tokens), normalized("let x = 1; x"));
    }

    #[test]
    fn reads_a_plain_function() {
        let item = parse("fn f() {}");
        assert!(item.attrs.is_empty() && item.head.is_empty() && item.output.is_empty());
        assert_eq!(item.asyncness, None);
        assert_eq!(item.fn_token.span(), Span::Input("fn"));
        assert_eq!(
            item.last_statement_spans(),
            (Span::Input("{"), Span::Input("{"))
        );
    }

    #[test]
    fn finds_the_last_statement() {
        assert_eq!(
            parse("fn f() { a; b(c) }").last_statement_spans(),
            (Span::Input("b"), Span::Input("("))
        );
        assert_eq!(
            parse("fn f() { a; b; }").last_statement_spans(),
            (Span::Input("b"), Span::Input(";"))
        );
        assert_eq!(
            parse("fn f() { x }").last_statement_spans(),
            (Span::Input("x"), Span::Input("x"))
        );
    }

    #[test]
    fn rejects_what_is_not_a_function() {
        let error = ItemFn::parse(&lex_input("struct S;"), "avx::main").unwrap_err();
        assert_eq!(
            error.message,
            "the #[avx::main] attribute can only be applied to a function"
        );
        assert_eq!(
            (error.start, error.end),
            (Span::Input("struct"), Span::Input(";"))
        );
        let error = ItemFn::parse(&lex_input("fn f();"), "avx::main").unwrap_err();
        assert_eq!(
            error.message,
            "the #[avx::main] attribute needs a function with a body"
        );
        assert!(ItemFn::parse(&lex_input("fn f<T() {}"), "avx::main").is_err());
        assert!(ItemFn::parse(&lex_input("fn {}"), "avx::main").is_err());
    }

    #[test]
    fn looks_through_fragments_forwarded_by_macro_rules() {
        let mut tokens = lex_input("#[x] async fn f() -> u8 { 1 }");
        // `#[$meta]` and `$body:block`.
        let Tt::Group(attr) = &mut tokens[1] else {
            panic!("attribute")
        };
        attr.tokens = vec![Tt::group(
            Delim::None,
            lex_input("test"),
            Span::Input("$meta"),
        )];
        let body = tokens.pop().unwrap();
        tokens.push(Tt::group(Delim::None, vec![body], Span::Input("$body")));
        let item = ItemFn::parse(&tokens, "avx::test").unwrap();
        assert!(item.attrs[0].is_test());
        assert_eq!(render(&item.body.tokens), "1");
        assert_eq!(item.body.span, Span::Input("{"));
    }

    #[test]
    fn recognises_test_attributes() {
        let attrs = |src: &str| parse(&format!("{src} fn f() {{}}")).attrs;
        for src in [
            "#[test]",
            "#[::core::prelude::v1::test]",
            "#[std::prelude::rust_2021::test]",
        ] {
            assert!(attrs(src)[0].is_test(), "{src}");
        }
        for src in [
            "#[tests]",
            "#[::test]",
            "#[test(x)]",
            "#[avx::test]",
            "#[core::test]",
        ] {
            assert!(!attrs(src)[0].is_test(), "{src}");
        }
    }
}
