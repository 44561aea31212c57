//! A plain token-tree model that the macro logic works on, and its conversions.
//!
//! Why not `proc_macro::TokenStream` directly: that API panics when called outside a
//! macro expansion, so logic written against it cannot be unit tested. The logic here is
//! generic over `S`, the type of an input token's span: `proc_macro::Span` in the
//! compiler, a `&'static str` naming the token in unit tests.
//!
//! Invariants:
//! - An input token keeps its span (`Span::Input`) from `from_proc_macro` to
//!   `into_proc_macro`, so errors in user code point at user code.
//! - A generated token never borrows an input span for name resolution: it is
//!   `Span::Mixed`/`Span::MixedAt` (locals hygienic, like `macro_rules!`; other names
//!   resolved where the macro was called) or `Span::CallSite`.

/// Where a token's span comes from; turned into a `proc_macro::Span` at the boundary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Span<S> {
    /// The span of an input token: reported there and resolved as the user wrote it.
    Input(S),
    /// A generated token: `Span::mixed_site()`.
    Mixed,
    /// A generated token resolved like `Mixed` but reported at an input token.
    MixedAt(S),
    /// `Span::call_site()`.
    CallSite,
}

impl<S: Copy> Span<S> {
    /// A generated span reported at `self` (or at the call site when `self` is generated).
    pub(crate) fn generated_here(self) -> Span<S> {
        match self {
            Span::Input(s) | Span::MixedAt(s) => Span::MixedAt(s),
            Span::Mixed | Span::CallSite => Span::Mixed,
        }
    }
}

/// A group's delimiter; `None` is the invisible group that wraps `macro_rules!` fragments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Delim {
    Paren,
    Brace,
    Bracket,
    None,
}

/// One token tree.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tt<S> {
    Group(Group<S>),
    Ident {
        name: String,
        span: Span<S>,
    },
    Punct {
        ch: char,
        joint: bool,
        span: Span<S>,
    },
    Literal {
        text: String,
        span: Span<S>,
    },
}

/// A delimited group; `span` covers both delimiters.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Group<S> {
    pub(crate) delim: Delim,
    pub(crate) tokens: Vec<Tt<S>>,
    pub(crate) span: Span<S>,
}

impl<S: Copy> Tt<S> {
    pub(crate) fn span(&self) -> Span<S> {
        match self {
            Tt::Group(g) => g.span,
            Tt::Ident { span, .. } | Tt::Punct { span, .. } | Tt::Literal { span, .. } => *span,
        }
    }

    pub(crate) fn ident(name: &str, span: Span<S>) -> Tt<S> {
        Tt::Ident {
            name: name.to_owned(),
            span,
        }
    }

    pub(crate) fn group(delim: Delim, tokens: Vec<Tt<S>>, span: Span<S>) -> Tt<S> {
        Tt::Group(Group {
            delim,
            tokens,
            span,
        })
    }

    /// An unsuffixed string literal holding `value`.
    pub(crate) fn string(value: &str, span: Span<S>) -> Tt<S> {
        // `{:?}` escapes quotes, backslashes and control characters the way Rust reads them.
        Tt::Literal {
            text: format!("{value:?}"),
            span,
        }
    }

    pub(crate) fn is_ident(&self, want: &str) -> bool {
        matches!(self, Tt::Ident { name, .. } if name == want)
    }

    pub(crate) fn is_punct(&self, want: char) -> bool {
        matches!(self, Tt::Punct { ch, .. } if *ch == want)
    }

    pub(crate) fn is_joint_punct(&self, want: char) -> bool {
        matches!(self, Tt::Punct { ch, joint: true, .. } if *ch == want)
    }

    pub(crate) fn as_group(&self, delim: Delim) -> Option<&Group<S>> {
        match self {
            Tt::Group(g) if g.delim == delim => Some(g),
            _ => None,
        }
    }

    /// Looks through invisible groups of one token (how `macro_rules!` forwards fragments).
    pub(crate) fn unwrap_invisible(&self) -> &Tt<S> {
        match self {
            Tt::Group(Group {
                delim: Delim::None,
                tokens,
                ..
            }) if tokens.len() == 1 => tokens[0].unwrap_invisible(),
            other => other,
        }
    }
}

/// Whether `tokens[i]` starts a `::` path separator.
pub(crate) fn is_path_sep<S: Copy>(tokens: &[Tt<S>], i: usize) -> bool {
    tokens.get(i).is_some_and(|t| t.is_joint_punct(':'))
        && tokens.get(i + 1).is_some_and(|t| t.is_punct(':'))
}

/// Whether `tokens[i]` starts a `->` arrow.
pub(crate) fn is_arrow<S: Copy>(tokens: &[Tt<S>], i: usize) -> bool {
    tokens.get(i).is_some_and(|t| t.is_joint_punct('-'))
        && tokens.get(i + 1).is_some_and(|t| t.is_punct('>'))
}

/// Renders tokens as source text with one space between tokens: how the tests
/// compare expansions.
#[cfg(test)]
pub(crate) fn render<S>(tokens: &[Tt<S>]) -> String {
    let mut out = String::new();
    render_into(tokens, &mut out);
    out.trim_end().to_owned()
}

#[cfg(test)]
fn render_into<S>(tokens: &[Tt<S>], out: &mut String) {
    for token in tokens {
        match token {
            Tt::Group(g) => {
                let (open, close) = match g.delim {
                    Delim::Paren => ("(", ")"),
                    Delim::Brace => ("{", "}"),
                    Delim::Bracket => ("[", "]"),
                    Delim::None => ("", ""),
                };
                out.push_str(open);
                if !open.is_empty() {
                    out.push(' ');
                }
                render_into(&g.tokens, out);
                out.push_str(close);
                if !close.is_empty() {
                    out.push(' ');
                }
            }
            Tt::Ident { name: text, .. } | Tt::Literal { text, .. } => {
                out.push_str(text);
                out.push(' ');
            }
            Tt::Punct { ch, .. } => {
                // Spacing is not rendered (`::` is `: :`), so renderings of the same
                // tokens agree however their spacing was recorded; a lifetime stays `'a`.
                out.push(*ch);
                if *ch != '\'' {
                    out.push(' ');
                }
            }
        }
    }
}

/// A template that failed to lex: only reachable with input text, never with the
/// templates this crate writes (the unit tests lex each of them).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LexError;

const PUNCT_CHARS: &str = "!#$%&*+,-./:;<=>?@^|~";

/// Lexes Rust source text into tokens, giving each token the span `span_of(text)`.
///
/// `$0`, `$1`, ... are holes: each is replaced by `holes[n]` (taken, so a hole is used
/// once). Supports what the templates and tests need: identifiers (raw too), lifetimes,
/// integer and float literals with suffixes, string, raw string, byte string and char
/// literals, punctuation with jointness, and the three delimiters.
pub(crate) fn lex<S: Copy>(
    src: &str,
    span_of: &mut dyn FnMut(&str) -> Span<S>,
    holes: &mut [Option<Vec<Tt<S>>>],
) -> Result<Vec<Tt<S>>, LexError> {
    let chars: Vec<char> = src.chars().collect();
    let mut pos = 0;
    let tokens = lex_until(&chars, &mut pos, None, span_of, holes)?;
    if pos != chars.len() {
        return Err(LexError);
    }
    Ok(tokens)
}

/// Lexes one of this crate's own templates; every generated token gets `span`.
pub(crate) fn template<S: Copy>(src: &str, span: Span<S>, holes: Vec<Vec<Tt<S>>>) -> Vec<Tt<S>> {
    let mut holes: Vec<_> = holes.into_iter().map(Some).collect();
    let tokens = lex(src, &mut |_| span, &mut holes);
    // The templates are string constants in this crate; the tests expand every one.
    tokens.expect("a template in avx-macros is valid Rust tokens")
}

fn lex_until<S: Copy>(
    chars: &[char],
    pos: &mut usize,
    close: Option<char>,
    span_of: &mut dyn FnMut(&str) -> Span<S>,
    holes: &mut [Option<Vec<Tt<S>>>],
) -> Result<Vec<Tt<S>>, LexError> {
    let mut out = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        let start = *pos;
        if c.is_whitespace() {
            *pos += 1;
        } else if Some(c) == close {
            *pos += 1;
            return Ok(out);
        } else if let Some((delim, close)) = match c {
            '(' => Some((Delim::Paren, ')')),
            '[' => Some((Delim::Bracket, ']')),
            '{' => Some((Delim::Brace, '}')),
            _ => None,
        } {
            *pos += 1;
            let span = span_of(&c.to_string());
            let tokens = lex_until(chars, pos, Some(close), span_of, holes)?;
            // `lex_until` fails at the end of input when `close` is missing.
            out.push(Tt::group(delim, tokens, span));
        } else if matches!(c, ')' | ']' | '}') {
            return Err(LexError);
        } else if c == '$' && chars.get(*pos + 1).is_some_and(|d| d.is_ascii_digit()) {
            *pos += 1;
            let digits = take_while(chars, pos, |c| c.is_ascii_digit());
            let n: usize = digits.parse().map_err(|_| LexError)?;
            let hole = holes.get_mut(n).and_then(Option::take).ok_or(LexError)?;
            out.extend(hole);
        } else if c == 'r'
            && chars.get(*pos + 1) == Some(&'#')
            && chars.get(*pos + 2).is_some_and(|c| is_ident_start(*c))
        {
            *pos += 2;
            let name = format!("r#{}", take_while(chars, pos, is_ident_continue));
            out.push(Tt::Ident {
                span: span_of(&name),
                name,
            });
        } else if let Some(len) = string_prefix_len(chars, *pos) {
            *pos += len;
            let text = lex_string_body(chars, start, pos)?;
            out.push(Tt::Literal {
                span: span_of(&text),
                text,
            });
        } else if is_ident_start(c) {
            let name = take_while(chars, pos, is_ident_continue);
            out.push(Tt::Ident {
                span: span_of(&name),
                name,
            });
        } else if c.is_ascii_digit() {
            take_while(chars, pos, is_ident_continue);
            // A float: digits '.' digits (but not `1..2` or a method call `1.max`).
            if chars.get(*pos) == Some(&'.')
                && chars.get(*pos + 1).is_some_and(|c| c.is_ascii_digit())
            {
                *pos += 1;
                take_while(chars, pos, is_ident_continue);
            }
            let text: String = chars[start..*pos].iter().collect();
            out.push(Tt::Literal {
                span: span_of(&text),
                text,
            });
        } else if c == '\'' {
            lex_quote(chars, pos, span_of, &mut out)?;
        } else if PUNCT_CHARS.contains(c) {
            *pos += 1;
            let joint = chars
                .get(*pos)
                .is_some_and(|n| PUNCT_CHARS.contains(*n) || *n == '\'');
            out.push(Tt::Punct {
                ch: c,
                joint,
                span: span_of(&c.to_string()),
            });
        } else {
            return Err(LexError);
        }
    }
    match close {
        None => Ok(out),
        Some(_) => Err(LexError),
    }
}

/// A char literal `'x'` or a lifetime `'a` (a joint `'` followed by an identifier).
fn lex_quote<S: Copy>(
    chars: &[char],
    pos: &mut usize,
    span_of: &mut dyn FnMut(&str) -> Span<S>,
    out: &mut Vec<Tt<S>>,
) -> Result<(), LexError> {
    let start = *pos;
    let is_lifetime = chars.get(start + 1).is_some_and(|c| is_ident_start(*c))
        && chars.get(start + 2) != Some(&'\'');
    if is_lifetime {
        *pos += 1;
        out.push(Tt::Punct {
            ch: '\'',
            joint: true,
            span: span_of("'"),
        });
        let name = take_while(chars, pos, is_ident_continue);
        out.push(Tt::Ident {
            span: span_of(&name),
            name,
        });
        return Ok(());
    }
    *pos += 1;
    loop {
        match chars.get(*pos) {
            None => return Err(LexError),
            Some('\\') => *pos += 2,
            Some('\'') => break,
            Some(_) => *pos += 1,
        }
    }
    *pos += 1;
    let text: String = chars[start..*pos].iter().collect();
    out.push(Tt::Literal {
        span: span_of(&text),
        text,
    });
    Ok(())
}

/// The length of a string literal's prefix up to and including its opening quote
/// (`"`, `b"`, `c"`, `r#"`, `br"`, ...), or `None` when no string starts at `i`.
fn string_prefix_len(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if matches!(chars.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if chars.get(j) == Some(&'r') {
        j += 1;
        while chars.get(j) == Some(&'#') {
            j += 1;
        }
    }
    (chars.get(j) == Some(&'"')).then_some(j + 1 - i)
}

/// Consumes a string body after the opening quote, and its suffix; returns the literal's text.
fn lex_string_body(chars: &[char], start: usize, pos: &mut usize) -> Result<String, LexError> {
    let prefix: String = chars[start..*pos].iter().collect();
    let hashes = prefix.chars().filter(|c| *c == '#').count();
    let raw = prefix.contains('r');
    loop {
        match chars.get(*pos) {
            None => return Err(LexError),
            Some('\\') if !raw => *pos += 2,
            Some('"') => {
                let closes = (1..=hashes).all(|k| chars.get(*pos + k) == Some(&'#'));
                if closes {
                    *pos += 1 + hashes;
                    break;
                }
                *pos += 1;
            }
            Some(_) => *pos += 1,
        }
    }
    take_while(chars, pos, is_ident_continue);
    Ok(chars[start..*pos].iter().collect())
}

fn take_while(chars: &[char], pos: &mut usize, keep: impl Fn(char) -> bool) -> String {
    let start = *pos;
    while chars.get(*pos).is_some_and(|c| keep(*c)) {
        *pos += 1;
    }
    chars[start..*pos].iter().collect()
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Conversions to and from the compiler's tokens: the only code that calls `proc_macro`.
pub(crate) mod compiler {
    use super::{Delim, Group, Span, Tt};
    use proc_macro::{Delimiter, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};

    pub(crate) type InputSpan = proc_macro::Span;

    pub(crate) fn from_proc_macro(stream: TokenStream) -> Vec<Tt<InputSpan>> {
        stream.into_iter().map(from_tree).collect()
    }

    fn from_tree(tree: TokenTree) -> Tt<InputSpan> {
        match tree {
            TokenTree::Group(g) => Tt::Group(Group {
                delim: match g.delimiter() {
                    Delimiter::Parenthesis => Delim::Paren,
                    Delimiter::Brace => Delim::Brace,
                    Delimiter::Bracket => Delim::Bracket,
                    Delimiter::None => Delim::None,
                },
                tokens: from_proc_macro(g.stream()),
                span: Span::Input(g.span()),
            }),
            TokenTree::Ident(i) => Tt::Ident {
                name: i.to_string(),
                span: Span::Input(i.span()),
            },
            TokenTree::Punct(p) => Tt::Punct {
                ch: p.as_char(),
                joint: p.spacing() == Spacing::Joint,
                span: Span::Input(p.span()),
            },
            TokenTree::Literal(l) => Tt::Literal {
                text: l.to_string(),
                span: Span::Input(l.span()),
            },
        }
    }

    pub(crate) fn into_proc_macro(tokens: Vec<Tt<InputSpan>>) -> TokenStream {
        tokens.into_iter().map(into_tree).collect()
    }

    fn resolve(span: Span<InputSpan>) -> proc_macro::Span {
        match span {
            Span::Input(s) => s,
            Span::Mixed => proc_macro::Span::mixed_site(),
            Span::MixedAt(s) => proc_macro::Span::mixed_site().located_at(s),
            Span::CallSite => proc_macro::Span::call_site(),
        }
    }

    fn into_tree(token: Tt<InputSpan>) -> TokenTree {
        match token {
            Tt::Group(g) => {
                let delim = match g.delim {
                    Delim::Paren => Delimiter::Parenthesis,
                    Delim::Brace => Delimiter::Brace,
                    Delim::Bracket => Delimiter::Bracket,
                    Delim::None => Delimiter::None,
                };
                let mut group = proc_macro::Group::new(delim, into_proc_macro(g.tokens));
                group.set_span(resolve(g.span));
                TokenTree::Group(group)
            }
            Tt::Ident { name, span } => {
                let span = resolve(span);
                TokenTree::Ident(match name.strip_prefix("r#") {
                    Some(raw) => Ident::new_raw(raw, span),
                    None => Ident::new(&name, span),
                })
            }
            Tt::Punct { ch, joint, span } => {
                let spacing = if joint {
                    Spacing::Joint
                } else {
                    Spacing::Alone
                };
                let mut punct = Punct::new(ch, spacing);
                punct.set_span(resolve(span));
                TokenTree::Punct(punct)
            }
            Tt::Literal { text, span } => {
                // The text came from a `Literal` or from this crate's own lexer.
                let mut literal: Literal =
                    text.parse().expect("a literal's text lexes as a literal");
                literal.set_span(resolve(span));
                TokenTree::Literal(literal)
            }
        }
    }
}

/// Lexes test input: each token's span is `Span::Input(its text)`.
#[cfg(test)]
pub(crate) fn lex_input(src: &str) -> Vec<Tt<&'static str>> {
    let mut span_of = |text: &str| Span::Input(&*Box::leak(text.to_owned().into_boxed_str()));
    lex(src, &mut span_of, &mut []).expect("test input lexes")
}

/// `src` lexed and rendered: the form expected expansions are compared in.
#[cfg(test)]
pub(crate) fn normalized(src: &str) -> String {
    render(&lex_input(src))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_and_renders_items() {
        let src =
            "pub(crate) async fn f<'a>(x: &'a str) -> Result<(), E> { x.len(); 1.5f32; r#type }";
        assert_eq!(
            render(&lex_input(src)),
            "pub ( crate ) async fn f < 'a > ( x : & 'a str ) - > Result < ( ) , E > \
             { x . len ( ) ; 1.5f32 ; r#type }"
        );
    }

    #[test]
    fn lexes_literals() {
        let tokens = lex_input(r##""a\"b" r#"c"d"# b"x" 'q' '\'' 0x1F_u8 c"z""##);
        let texts: Vec<String> = tokens
            .iter()
            .map(|t| render(std::slice::from_ref(t)))
            .collect();
        assert_eq!(
            texts,
            [
                r#""a\"b""#,
                r##"r#"c"d"#"##,
                r#"b"x""#,
                "'q'",
                r"'\''",
                "0x1F_u8",
                r#"c"z""#
            ]
        );
        assert!(tokens.iter().all(|t| matches!(t, Tt::Literal { .. })));
    }

    #[test]
    fn marks_multi_char_operators_joint() {
        let tokens = lex_input(":: -> =>");
        assert!(is_path_sep(&tokens, 0));
        assert!(is_arrow(&tokens, 2));
        assert!(tokens[4].is_joint_punct('='));
        assert!(!tokens[5].is_joint_punct('>'));
    }

    #[test]
    fn fills_holes() {
        let hole = lex_input("x + 1");
        let out = template("f($0)", Span::Mixed, vec![hole]);
        assert_eq!(render(&out), "f ( x + 1 )");
    }

    #[test]
    fn rejects_unbalanced_or_unknown_input() {
        let mut span = |_: &str| Span::<()>::Mixed;
        assert_eq!(lex("f(", &mut span, &mut []), Err(LexError));
        assert_eq!(lex("f)", &mut span, &mut []), Err(LexError));
        assert_eq!(lex("\"open", &mut span, &mut []), Err(LexError));
        assert_eq!(lex("a ` b", &mut span, &mut []), Err(LexError));
        assert_eq!(lex("$0", &mut span, &mut []), Err(LexError));
    }

    #[test]
    fn string_literal_escapes_its_value() {
        let t = Tt::<()>::string("say \"hi\"\n", Span::Mixed);
        assert_eq!(render(&[t]), r#""say \"hi\"\n""#);
    }
}
