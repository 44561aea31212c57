//! The arguments of `#[avx::main(...)]` and `#[avx::test(...)]`.
//!
//! tokio's arguments and error messages, with avx's differences:
//! - `backend = "native" | "tokio"` is avx's own;
//! - `start_paused` is accepted with either flavor (tokio: `current_thread` only);
//! - tokio's `local` flavor and `unhandled_panic` are not offered and say so.
//!
//! Arguments are read in order and the first error wins, as in tokio. Names are
//! case-insensitive (tokio lowercases them).

use crate::error::Error;
use crate::tokens::{Span, Tt, is_path_sep, lex};

/// Which attribute is being expanded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    /// The attribute's name as users write it, for messages.
    pub(crate) fn attribute(self) -> &'static str {
        match self {
            Kind::Main => "avx::main",
            Kind::Test => "avx::test",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    CurrentThread,
    MultiThread,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Backend {
    Native,
    Tokio,
}

/// A validated configuration: what the expansion builds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Config<S> {
    pub(crate) flavor: Flavor,
    /// The value and the span of its literal.
    pub(crate) worker_threads: Option<(usize, Span<S>)>,
    pub(crate) start_paused: Option<(bool, Span<S>)>,
    pub(crate) backend: Option<(Backend, Span<S>)>,
    /// The string literal of `name = "..."`, passed on to `Builder::name` as written.
    pub(crate) name: Option<Tt<S>>,
    /// The path tokens of `crate = "..."`, spanned at the string literal.
    pub(crate) crate_path: Option<Vec<Tt<S>>>,
}

impl<S: Copy> Config<S> {
    /// What the expansion uses after an error, so the item still expands to a function
    /// (IDEs keep working and no "`main` not found" error piles on).
    pub(crate) fn fallback(crate_path: Option<Vec<Tt<S>>>) -> Self {
        Config {
            flavor: Flavor::CurrentThread,
            worker_threads: None,
            start_paused: None,
            backend: None,
            name: None,
            crate_path,
        }
    }
}

const EXPECTED: &str =
    "expected one of: `flavor`, `worker_threads`, `start_paused`, `crate`, `name`, `backend`.";

/// Parses and validates the attribute's arguments.
///
/// `rt_multi_thread` says whether the facade was built with its `rt-multi-thread`
/// feature; without it the `multi_thread` flavor is an error rather than a call to a
/// `new_multi_thread` that does not exist.
pub(crate) fn parse<S: Copy>(
    args: &[Tt<S>],
    kind: Kind,
    rt_multi_thread: bool,
) -> Result<Config<S>, Error<S>> {
    let mut raw = RawArgs::default();
    for entry in split_commas(args)? {
        raw.set(entry, kind)?;
    }
    raw.build(kind, rt_multi_thread)
}

/// Finds `crate = "path"` on its own, for the fallback expansion after another error.
pub(crate) fn crate_path_only<S: Copy>(args: &[Tt<S>]) -> Option<Vec<Tt<S>>> {
    let entries = split_commas(args).ok()?;
    entries.into_iter().find_map(|entry| match entry {
        [name, eq, value] if name.is_ident("crate") && eq.is_punct('=') => {
            parse_path(value.unwrap_invisible()).ok()
        }
        _ => None,
    })
}

/// The arguments as given, before flavor-dependent checks.
struct RawArgs<S> {
    flavor: Option<(Flavor, Span<S>)>,
    worker_threads: Option<(usize, Span<S>)>,
    start_paused: Option<(bool, Span<S>)>,
    backend: Option<(Backend, Span<S>)>,
    name: Option<Tt<S>>,
    crate_path: Option<Vec<Tt<S>>>,
}

impl<S> Default for RawArgs<S> {
    fn default() -> Self {
        RawArgs {
            flavor: None,
            worker_threads: None,
            start_paused: None,
            backend: None,
            name: None,
            crate_path: None,
        }
    }
}

impl<S: Copy> RawArgs<S> {
    fn set(&mut self, entry: &[Tt<S>], kind: Kind) -> Result<(), Error<S>> {
        let Some(Tt::Ident { name, .. }) = entry.first() else {
            return Err(Error::spanning(entry, "Unknown attribute inside the macro"));
        };
        let name = name.to_lowercase();
        if entry.len() == 1 {
            return Err(Error::spanning(entry, bare_name_message(&name, kind)));
        }
        if is_path_sep(entry, 1) {
            return Err(Error::spanning(entry, "Must have specified ident"));
        }
        if !entry[1].is_punct('=') || entry[1].is_joint_punct('=') {
            return Err(Error::spanning(entry, "Unknown attribute inside the macro"));
        }
        let value = match &entry[2..] {
            [value] if is_literal(value.unwrap_invisible()) => value.unwrap_invisible(),
            [] => return Err(Error::new(entry[1].span(), "Must be a literal")),
            other => return Err(Error::spanning(other, "Must be a literal")),
        };
        let span = value.span();
        let duplicate = || Error::new(span, format!("`{name}` set multiple times."));
        match name.as_str() {
            "flavor" => {
                if self.flavor.is_some() {
                    return Err(duplicate());
                }
                let flavor = parse_flavor(&parse_string(value, "flavor")?)
                    .map_err(|m| Error::new(span, m))?;
                self.flavor = Some((flavor, span));
            }
            "worker_threads" => {
                if self.worker_threads.is_some() {
                    return Err(duplicate());
                }
                let n = parse_int(value, "worker_threads")?;
                if n == 0 {
                    return Err(Error::new(span, "`worker_threads` may not be 0."));
                }
                self.worker_threads = Some((n, span));
            }
            "start_paused" => {
                if self.start_paused.is_some() {
                    return Err(duplicate());
                }
                self.start_paused = Some((parse_bool(value, "start_paused")?, span));
            }
            "backend" => {
                if self.backend.is_some() {
                    return Err(duplicate());
                }
                let backend = match parse_string(value, "backend")?.as_str() {
                    "native" => Backend::Native,
                    "tokio" => Backend::Tokio,
                    other => {
                        let msg = format!(
                            "No such backend `{other}`. The backends are `native` and `tokio`."
                        );
                        return Err(Error::new(span, msg));
                    }
                };
                self.backend = Some((backend, span));
            }
            "name" => {
                if self.name.is_some() {
                    return Err(duplicate());
                }
                if parse_string(value, "name")?.trim().is_empty() {
                    return Err(Error::new(span, "`name` may not be empty."));
                }
                self.name = Some(value.clone());
            }
            "crate" => {
                if self.crate_path.is_some() {
                    return Err(duplicate());
                }
                self.crate_path = Some(parse_path(value)?);
            }
            "core_threads" => {
                let msg = "Attribute `core_threads` is renamed to `worker_threads`";
                return Err(Error::spanning(entry, msg));
            }
            "unhandled_panic" => {
                let msg = format!("avx does not support tokio's `{name}` attribute; {EXPECTED}");
                return Err(Error::spanning(entry, msg));
            }
            _ => {
                let msg = format!("Unknown attribute {name} is specified; {EXPECTED}");
                return Err(Error::spanning(entry, msg));
            }
        }
        Ok(())
    }

    fn build(self, kind: Kind, rt_multi_thread: bool) -> Result<Config<S>, Error<S>> {
        let flavor = match self.flavor {
            Some((flavor, _)) => flavor,
            None if kind == Kind::Main => Flavor::MultiThread,
            None => Flavor::CurrentThread,
        };
        if let (Flavor::CurrentThread, Some((_, span))) = (flavor, self.worker_threads) {
            let msg = format!(
                "The `worker_threads` option requires the `multi_thread` runtime flavor. \
                 Use `#[{}(flavor = \"multi_thread\")]`",
                kind.attribute()
            );
            return Err(Error::new(span, msg));
        }
        if flavor == Flavor::MultiThread && !rt_multi_thread {
            let (msg, span) = match self.flavor {
                None => (
                    "The default runtime flavor is `multi_thread`, but the `rt-multi-thread` feature is disabled.",
                    Span::CallSite,
                ),
                Some((_, span)) => (
                    "The runtime flavor `multi_thread` requires the `rt-multi-thread` feature.",
                    span,
                ),
            };
            return Err(Error::new(span, msg));
        }
        Ok(Config {
            flavor,
            worker_threads: self.worker_threads,
            start_paused: self.start_paused,
            backend: self.backend,
            name: self.name,
            crate_path: self.crate_path,
        })
    }
}

/// Splits at top-level commas; one trailing comma is allowed, an empty entry is not.
fn split_commas<S: Copy>(args: &[Tt<S>]) -> Result<Vec<&[Tt<S>]>, Error<S>> {
    let mut entries = Vec::new();
    let mut start = 0;
    for (i, token) in args.iter().enumerate() {
        if token.is_punct(',') {
            if i == start {
                return Err(Error::new(token.span(), "expected an argument before `,`"));
            }
            entries.push(&args[start..i]);
            start = i + 1;
        }
    }
    if start < args.len() {
        entries.push(&args[start..]);
    }
    Ok(entries)
}

/// tokio's message for a name written without `= value`.
fn bare_name_message(name: &str, kind: Kind) -> String {
    let attribute = kind.attribute();
    match name {
        "threaded_scheduler" | "multi_thread" => {
            format!("Set the runtime flavor with #[{attribute}(flavor = \"multi_thread\")].")
        }
        "basic_scheduler" | "current_thread" | "single_threaded" => {
            format!("Set the runtime flavor with #[{attribute}(flavor = \"current_thread\")].")
        }
        "flavor" | "worker_threads" | "start_paused" | "crate" | "backend" => {
            format!("The `{name}` attribute requires an argument.")
        }
        _ => format!("Unknown attribute {name} is specified; {EXPECTED}"),
    }
}

fn parse_flavor(s: &str) -> Result<Flavor, String> {
    match s {
        "current_thread" => Ok(Flavor::CurrentThread),
        "multi_thread" => Ok(Flavor::MultiThread),
        "local" => Err("avx has no `local` runtime flavor. The runtime flavors are `current_thread` and `multi_thread`.".to_owned()),
        "single_thread" => Err("The single threaded runtime flavor is called `current_thread`.".to_owned()),
        "basic_scheduler" => Err("The `basic_scheduler` runtime flavor has been renamed to `current_thread`.".to_owned()),
        "threaded_scheduler" => Err("The `threaded_scheduler` runtime flavor has been renamed to `multi_thread`.".to_owned()),
        _ => Err(format!("No such runtime flavor `{s}`. The runtime flavors are `current_thread` and `multi_thread`.")),
    }
}

fn is_literal<S>(token: &Tt<S>) -> bool {
    match token {
        Tt::Literal { .. } => true,
        Tt::Ident { name, .. } => name == "true" || name == "false",
        _ => false,
    }
}

/// The value of a string literal (plain or raw, no suffix).
fn parse_string<S: Copy>(token: &Tt<S>, field: &str) -> Result<String, Error<S>> {
    let fail = || {
        Error::new(
            token.span(),
            format!("Failed to parse value of `{field}` as string."),
        )
    };
    let Tt::Literal { text, .. } = token else {
        return Err(fail());
    };
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw[hashes..].strip_prefix('"').ok_or_else(fail)?;
        let inner = inner.strip_suffix(&"#".repeat(hashes)).ok_or_else(fail)?;
        return inner.strip_suffix('"').map(str::to_owned).ok_or_else(fail);
    }
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or_else(fail)?;
    unescape(inner).ok_or_else(fail)
}

/// Resolves the escapes of a (non-raw) string literal's body.
fn unescape(body: &str) -> Option<String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                let rest = chars.as_str().strip_prefix('{')?;
                let end = rest.find('}')?;
                let code = u32::from_str_radix(&rest[..end].replace('_', ""), 16).ok()?;
                out.push(char::from_u32(code)?);
                chars = rest[end + 1..].chars();
            }
            '\n' => {
                // A line continuation skips the newline and the next line's indentation.
                let rest = chars.as_str().trim_start();
                chars = rest.chars();
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The value of an integer literal: decimal, `0x`, `0o` or `0b`, `_` separators, and an
/// optional integer suffix.
fn parse_int<S: Copy>(token: &Tt<S>, field: &str) -> Result<usize, Error<S>> {
    let span = token.span();
    let fail = || {
        Error::new(
            span,
            format!("Failed to parse value of `{field}` as integer."),
        )
    };
    let Tt::Literal { text, .. } = token else {
        return Err(fail());
    };
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(fail());
    }
    let (radix, digits) = match text.get(..2) {
        Some("0x") => (16, &text[2..]),
        Some("0o") => (8, &text[2..]),
        Some("0b") => (2, &text[2..]),
        _ => (10, text.as_str()),
    };
    const SUFFIXES: [&str; 12] = [
        "usize", "isize", "u128", "i128", "u64", "i64", "u32", "i32", "u16", "i16", "u8", "i8",
    ];
    let digits = SUFFIXES
        .iter()
        .find_map(|s| digits.strip_suffix(s))
        .unwrap_or(digits);
    let digits = digits.replace('_', "");
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(fail());
    }
    usize::from_str_radix(&digits, radix).map_err(|e| {
        Error::new(
            span,
            format!("Failed to parse value of `{field}` as integer: {e}"),
        )
    })
}

fn parse_bool<S: Copy>(token: &Tt<S>, field: &str) -> Result<bool, Error<S>> {
    match token {
        t if t.is_ident("true") => Ok(true),
        t if t.is_ident("false") => Ok(false),
        _ => Err(Error::new(
            token.span(),
            format!("Failed to parse value of `{field}` as bool."),
        )),
    }
}

/// `crate = "a::b"`: the string must hold a path (`::`-separated identifiers, optionally
/// with a leading `::`). The tokens get the string literal's span.
fn parse_path<S: Copy>(token: &Tt<S>) -> Result<Vec<Tt<S>>, Error<S>> {
    let span = token.span();
    let value = parse_string(token, "crate")
        .map_err(|_| Error::new(span, "Failed to parse value of `crate` as path."))?;
    let fail = || {
        Error::new(
            span,
            format!("Failed to parse value of `crate` as path: \"{value}\""),
        )
    };
    let tokens = lex(&value, &mut |_| span, &mut []).map_err(|_| fail())?;
    // Grammar: `::`? ident (`::` ident)*
    let mut i = usize::from(is_path_sep(&tokens, 0)) * 2;
    loop {
        if !matches!(tokens.get(i), Some(Tt::Ident { .. })) {
            return Err(fail());
        }
        i += 1;
        if i == tokens.len() {
            return Ok(tokens);
        }
        if !is_path_sep(&tokens, i) {
            return Err(fail());
        }
        i += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{Delim, lex_input, normalized, render};

    fn parse_main(src: &str) -> Result<Config<&'static str>, Error<&'static str>> {
        parse(&lex_input(src), Kind::Main, true)
    }

    fn parse_test(src: &str) -> Result<Config<&'static str>, Error<&'static str>> {
        parse(&lex_input(src), Kind::Test, true)
    }

    /// Asserts an error's message and the tokens it points from and to.
    #[track_caller]
    fn assert_error(
        result: Result<Config<&'static str>, Error<&'static str>>,
        message: &str,
        from: &str,
        to: &str,
    ) {
        let error = result.expect_err("arguments should be rejected");
        assert_eq!(error.message, message);
        assert_eq!(
            (error.start, error.end),
            (Span::Input(from), Span::Input(to))
        );
    }

    #[test]
    fn defaults_follow_tokio() {
        assert_eq!(
            parse_main("").unwrap(),
            Config {
                flavor: Flavor::MultiThread,
                ..Config::fallback(None)
            }
        );
        assert_eq!(parse_test("").unwrap(), Config::fallback(None));
    }

    #[test]
    fn reads_every_argument() {
        let config = parse_test(
            r#"flavor = "multi_thread", worker_threads = 4, start_paused = true, backend = "tokio", crate = "::my::avx","#,
        )
        .unwrap();
        assert_eq!(config.flavor, Flavor::MultiThread);
        assert_eq!(config.worker_threads, Some((4, Span::Input("4"))));
        assert_eq!(config.start_paused, Some((true, Span::Input("true"))));
        assert_eq!(
            config.backend,
            Some((Backend::Tokio, Span::Input(r#""tokio""#)))
        );
        let path = config.crate_path.unwrap();
        assert_eq!(render(&path), normalized("::my::avx"));
        assert!(
            path.iter()
                .all(|t| t.span() == Span::Input(r#""::my::avx""#))
        );
    }

    #[test]
    fn names_are_case_insensitive_and_values_may_be_forwarded_fragments() {
        let config = parse_test(r#"Flavor = "current_thread", BACKEND = "native""#).unwrap();
        assert_eq!(
            (config.flavor, config.backend.map(|b| b.0)),
            (Flavor::CurrentThread, Some(Backend::Native))
        );
        // `macro_rules!` wraps a `$flavor:literal` in an invisible group.
        let mut args = lex_input("flavor = x");
        args[2] = Tt::group(
            Delim::None,
            lex_input(r#""multi_thread""#),
            Span::Input("group"),
        );
        assert_eq!(
            parse(&args, Kind::Test, true).unwrap().flavor,
            Flavor::MultiThread
        );
    }

    #[test]
    fn start_paused_is_allowed_with_multi_thread() {
        let config = parse_main("start_paused = false").unwrap();
        assert_eq!(
            (config.flavor, config.start_paused.map(|p| p.0)),
            (Flavor::MultiThread, Some(false))
        );
    }

    #[test]
    fn integers_accept_rust_literal_forms() {
        for (src, want) in [
            ("8", 8),
            ("1_0", 10),
            ("0x10", 16),
            ("0b11", 3),
            ("0o7", 7),
            ("2usize", 2),
        ] {
            let config = parse_main(&format!("worker_threads = {src}")).unwrap();
            assert_eq!(config.worker_threads.map(|w| w.0), Some(want), "{src}");
        }
    }

    #[test]
    fn strings_accept_escapes_and_raw_strings() {
        assert_eq!(
            parse_main(r#"flavor = "multi\u{5f}thread""#)
                .unwrap()
                .flavor,
            Flavor::MultiThread
        );
        assert_eq!(
            parse_main(r##"flavor = r#"current_thread"#"##)
                .unwrap()
                .flavor,
            Flavor::CurrentThread
        );
    }

    #[test]
    fn rejects_unknown_arguments() {
        let expected = "expected one of: `flavor`, `worker_threads`, `start_paused`, `crate`, \
                        `name`, `backend`.";
        assert_error(
            parse_main("threads = 4"),
            &format!("Unknown attribute threads is specified; {expected}"),
            "threads",
            "4",
        );
        assert_error(
            parse_main("foo"),
            &format!("Unknown attribute foo is specified; {expected}"),
            "foo",
            "foo",
        );
        assert_error(
            parse_main(r#"unhandled_panic = "shutdown_runtime""#),
            &format!("avx does not support tokio's `unhandled_panic` attribute; {expected}"),
            "unhandled_panic",
            r#""shutdown_runtime""#,
        );
        assert_error(
            parse_main(r#"name = " ""#),
            "`name` may not be empty.",
            r#"" ""#,
            r#"" ""#,
        );
        assert_error(
            parse_main("name = 3"),
            "Failed to parse value of `name` as string.",
            "3",
            "3",
        );
        assert_error(
            parse_main("core_threads = 2"),
            "Attribute `core_threads` is renamed to `worker_threads`",
            "core_threads",
            "2",
        );
        assert_error(
            parse_main("flavor(x)"),
            "Unknown attribute inside the macro",
            "flavor",
            "(",
        );
        assert_error(
            parse_main("a::b = 1"),
            "Must have specified ident",
            "a",
            "1",
        );
        assert_error(
            parse_main("flavor = 1,, crate = \"x\""),
            "expected an argument before `,`",
            ",",
            ",",
        );
    }

    #[test]
    fn bare_names_explain_the_syntax() {
        assert_error(
            parse_main("multi_thread"),
            "Set the runtime flavor with #[avx::main(flavor = \"multi_thread\")].",
            "multi_thread",
            "multi_thread",
        );
        assert_error(
            parse_test("current_thread"),
            "Set the runtime flavor with #[avx::test(flavor = \"current_thread\")].",
            "current_thread",
            "current_thread",
        );
        assert_error(
            parse_main("worker_threads"),
            "The `worker_threads` attribute requires an argument.",
            "worker_threads",
            "worker_threads",
        );
    }

    #[test]
    fn rejects_values_of_the_wrong_type() {
        assert_error(
            parse_main("flavor = 1"),
            "Failed to parse value of `flavor` as string.",
            "1",
            "1",
        );
        assert_error(
            parse_main("backend = true"),
            "Failed to parse value of `backend` as string.",
            "true",
            "true",
        );
        assert_error(
            parse_main("worker_threads = \"4\""),
            "Failed to parse value of `worker_threads` as integer.",
            "\"4\"",
            "\"4\"",
        );
        assert_error(
            parse_main("worker_threads = 1.5"),
            "Failed to parse value of `worker_threads` as integer.",
            "1.5",
            "1.5",
        );
        assert_error(
            parse_test("start_paused = 1"),
            "Failed to parse value of `start_paused` as bool.",
            "1",
            "1",
        );
        assert_error(parse_test("crate = avx"), "Must be a literal", "avx", "avx");
        assert_error(
            parse_test("worker_threads = -1"),
            "Must be a literal",
            "-",
            "1",
        );
        assert_error(
            parse_test("crate = 1"),
            "Failed to parse value of `crate` as path.",
            "1",
            "1",
        );
        assert_error(
            parse_test("crate = \"a b\""),
            "Failed to parse value of `crate` as path: \"a b\"",
            "\"a b\"",
            "\"a b\"",
        );
        assert_error(
            parse_test("crate = \"a::\""),
            "Failed to parse value of `crate` as path: \"a::\"",
            "\"a::\"",
            "\"a::\"",
        );
        let too_big = "99999999999999999999999";
        assert_error(
            parse_main(&format!("worker_threads = {too_big}")),
            "Failed to parse value of `worker_threads` as integer: number too large to fit in target type",
            too_big,
            too_big,
        );
    }

    #[test]
    fn rejects_bad_values() {
        assert_error(
            parse_main("worker_threads = 0"),
            "`worker_threads` may not be 0.",
            "0",
            "0",
        );
        assert_error(
            parse_main(r#"flavor = "local""#),
            "avx has no `local` runtime flavor. The runtime flavors are `current_thread` and `multi_thread`.",
            "\"local\"",
            "\"local\"",
        );
        assert_error(
            parse_main(r#"flavor = "basic_scheduler""#),
            "The `basic_scheduler` runtime flavor has been renamed to `current_thread`.",
            "\"basic_scheduler\"",
            "\"basic_scheduler\"",
        );
        assert_error(
            parse_main(r#"flavor = "fast""#),
            "No such runtime flavor `fast`. The runtime flavors are `current_thread` and `multi_thread`.",
            "\"fast\"",
            "\"fast\"",
        );
        assert_error(
            parse_main(r#"backend = "uring""#),
            "No such backend `uring`. The backends are `native` and `tokio`.",
            "\"uring\"",
            "\"uring\"",
        );
        assert_error(
            parse_main("worker_threads = 1, worker_threads = 2"),
            "`worker_threads` set multiple times.",
            "2",
            "2",
        );
    }

    #[test]
    fn worker_threads_needs_multi_thread() {
        assert_error(
            parse_test("worker_threads = 2"),
            "The `worker_threads` option requires the `multi_thread` runtime flavor. Use `#[avx::test(flavor = \"multi_thread\")]`",
            "2",
            "2",
        );
        assert_error(
            parse_main(r#"flavor = "current_thread", worker_threads = 2"#),
            "The `worker_threads` option requires the `multi_thread` runtime flavor. Use `#[avx::main(flavor = \"multi_thread\")]`",
            "2",
            "2",
        );
    }

    #[test]
    fn multi_thread_needs_the_rt_multi_thread_feature() {
        let error = parse::<&str>(&[], Kind::Main, false).unwrap_err();
        assert_eq!(
            error.message,
            "The default runtime flavor is `multi_thread`, but the `rt-multi-thread` feature is disabled."
        );
        assert_eq!(error.start, Span::CallSite);
        let args = lex_input(r#"flavor = "multi_thread""#);
        let error = parse(&args, Kind::Test, false).unwrap_err();
        assert_eq!(
            error.message,
            "The runtime flavor `multi_thread` requires the `rt-multi-thread` feature."
        );
        assert_eq!(error.start, Span::Input(r#""multi_thread""#));
        assert_eq!(
            parse::<&str>(&[], Kind::Test, false).unwrap().flavor,
            Flavor::CurrentThread
        );
    }

    #[test]
    fn finds_the_crate_path_alone_for_the_fallback() {
        let args = lex_input(r#"flavor = "nope", crate = "renamed""#);
        assert_eq!(
            crate_path_only(&args).map(|p| render(&p)),
            Some("renamed".to_owned())
        );
        assert_eq!(crate_path_only(&lex_input("crate = 1")), None);
    }
}
