//! The expansion of `#[avx::main]` and `#[avx::test]`.
//!
//! ```text
//! #[attrs] #[inner attrs, lifted]  [#[::core::prelude::v1::test]]
//! vis fn name(params) -> output {
//!     let body = async { original body };
//!     // main: a never-run check that the body's output is the return type
//!     // test: pin the body as `Pin<&mut dyn Future<Output = output>>` (fewer copies
//!     //       of `block_on` across many tests)
//!     { return <crate>::runtime::Builder::new_<flavor>()
//!           [.worker_threads(n)] [.start_paused(b)] [.backend(<crate>::runtime::Backend::X)]
//!           .enable_all().build().expect("Failed building the Runtime").block_on(body); }
//! }
//! ```
//!
//! The body's tokens keep their spans, so errors in it point at user code, and `return`
//! in it returns from the `async` block, i.e. from the function. The generated tokens
//! are mixed-site (the local `body` cannot clash with a user's name) and located at the
//! body's last statement, where a mismatch between its value and the return type is
//! reported, as tokio does.
//!
//! On an error the item still expands, with a fallback configuration, next to the
//! `compile_error!`: the user sees one error, not also "`main` function not found".

use crate::args::{self, Backend, Config, Flavor, Kind};
use crate::error::Error;
use crate::item::ItemFn;
use crate::tokens::{Delim, Span, Tt, template};

/// Expands the attribute `kind` with arguments `args` on `item`.
///
/// `rt_multi_thread` is false for the variants the facade exports when its
/// `rt-multi-thread` feature is off.
pub(crate) fn expand<S: Copy>(
    kind: Kind,
    rt_multi_thread: bool,
    args: &[Tt<S>],
    item: Vec<Tt<S>>,
) -> Vec<Tt<S>> {
    let function = match ItemFn::parse(&item, kind.attribute()) {
        Ok(function) => function,
        Err(error) => return with_error(item, &error),
    };
    match check(kind, &function).and_then(|()| args::parse(args, kind, rt_multi_thread)) {
        Ok(config) => generate(kind, function, &config),
        Err(error) => {
            let fallback = Config::fallback(args::crate_path_only(args));
            with_error(generate(kind, function, &fallback), &error)
        }
    }
}

/// The expansion of the `*_fail` variants, exported when the facade has no runtime.
pub(crate) fn requires_rt<S: Copy>(kind: Kind) -> Vec<Tt<S>> {
    let message = format!(
        "The #[{}] macro requires rt or rt-multi-thread.",
        kind.attribute()
    );
    Error::new(Span::CallSite, message).to_compile_error()
}

fn with_error<S: Copy>(mut tokens: Vec<Tt<S>>, error: &Error<S>) -> Vec<Tt<S>> {
    tokens.extend(error.to_compile_error());
    tokens
}

/// Checks on the function itself, in tokio's order.
fn check<S: Copy>(kind: Kind, function: &ItemFn<S>) -> Result<(), Error<S>> {
    match kind {
        Kind::Main if function.name.is_ident("main") && !function.params.tokens.is_empty() => {
            return Err(Error::new(
                function.name.span(),
                "the main function cannot accept arguments",
            ));
        }
        Kind::Test => {
            if let Some(attr) = function
                .attrs
                .iter()
                .chain(&function.inner_attrs)
                .find(|a| a.is_test())
            {
                let msg = "second test attribute is supplied, consider removing or changing the order of your test attributes";
                return Err(Error::spanning(&attr.to_tokens(), msg));
            }
        }
        Kind::Main => {}
    }
    if function.asyncness.is_none() {
        let msg = "the `async` keyword is missing from the function declaration";
        return Err(Error::new(function.fn_token.span(), msg));
    }
    Ok(())
}

fn generate<S: Copy>(kind: Kind, function: ItemFn<S>, config: &Config<S>) -> Vec<Tt<S>> {
    let (last_start, last_end) = function.last_statement_spans();
    let at_start = last_start.generated_here();
    let at_end = last_end.generated_here();

    let mut out = Vec::new();
    for attr in function.attrs.iter().chain(&function.inner_attrs) {
        out.extend(attr.to_tokens());
    }
    if kind == Kind::Test {
        // After the user's attributes, so attribute macros among them see it.
        out.extend(template(
            "#[::core::prelude::v1::test]",
            Span::CallSite,
            vec![],
        ));
    }
    out.extend(function.head);
    out.push(function.fn_token);
    out.push(function.name);
    out.extend(function.generics);
    out.push(Tt::Group(function.params));
    out.extend(function.arrow);
    let output_type = if function.output.is_empty() {
        template("()", Span::Mixed, vec![])
    } else {
        function.output.clone()
    };
    out.extend(function.output.iter().cloned());
    out.extend(function.where_clause);

    let body_span = function.body.span;
    let mut body = template("let body = async", Span::Mixed, vec![]);
    body.push(Tt::Group(function.body));
    body.extend(template(";", Span::Mixed, vec![]));
    match kind {
        Kind::Test => body.extend(template(
            "let body = ::core::pin::pin!(body);
             let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = $0>> = body;",
            Span::Mixed,
            vec![output_type],
        )),
        // `!` and `impl Trait` cannot be named in `dyn Future<Output = _>`. A mismatch
        // is reported at the last statement, like the one from `block_on` below.
        Kind::Main if !names_unnameable_type(&function.output) => body.extend(template(
            "let body = {
                 if false { let _: &dyn ::core::future::Future<Output = $0> = &body; }
                 body
             };",
            at_start,
            vec![output_type],
        )),
        Kind::Main => {}
    }
    body.extend(template(
        "#[allow(clippy::expect_used, clippy::diverging_sub_expression, clippy::needless_return, clippy::unwrap_in_result)]",
        at_end,
        vec![],
    ));
    let run = template(
        "return $0.block_on(body);",
        at_start,
        vec![builder(config, at_start)],
    );
    body.push(Tt::group(Delim::Brace, run, at_end));
    out.push(Tt::group(Delim::Brace, body, body_span));
    out
}

/// `<crate>::runtime::Builder::new_<flavor>()...build().expect(...)`.
fn builder<S: Copy>(config: &Config<S>, span: Span<S>) -> Vec<Tt<S>> {
    let crate_path = || {
        config
            .crate_path
            .clone()
            .unwrap_or_else(|| template("avx", span, vec![]))
    };
    let constructor = match config.flavor {
        Flavor::CurrentThread => "$0::runtime::Builder::new_current_thread()",
        Flavor::MultiThread => "$0::runtime::Builder::new_multi_thread()",
    };
    let mut chain = template(constructor, span, vec![crate_path()]);
    if let Some((n, literal)) = config.worker_threads {
        let n = Tt::Literal {
            text: n.to_string(),
            span: literal.generated_here(),
        };
        chain.extend(template(".worker_threads($0)", span, vec![vec![n]]));
    }
    if let Some((paused, literal)) = config.start_paused {
        let paused = Tt::ident(
            if paused { "true" } else { "false" },
            literal.generated_here(),
        );
        chain.extend(template(".start_paused($0)", span, vec![vec![paused]]));
    }
    if let Some(name) = &config.name {
        chain.extend(template(".name($0)", span, vec![vec![name.clone()]]));
    }
    if let Some((backend, literal)) = config.backend {
        let variant = match backend {
            Backend::Native => "Native",
            Backend::Tokio => "Tokio",
        };
        let variant = Tt::ident(variant, literal.generated_here());
        chain.extend(template(
            ".backend($0::runtime::Backend::$1)",
            span,
            vec![crate_path(), vec![variant]],
        ));
    }
    chain.extend(template(
        ".enable_all().build().expect(\"Failed building the Runtime\")",
        span,
        vec![],
    ));
    chain
}

/// Whether a return type is `!` or mentions `impl`.
fn names_unnameable_type<S: Copy>(output: &[Tt<S>]) -> bool {
    fn mentions_impl<S: Copy>(tokens: &[Tt<S>]) -> bool {
        tokens.iter().any(|t| match t {
            Tt::Group(g) => mentions_impl(&g.tokens),
            t => t.is_ident("impl"),
        })
    }
    matches!(output, [t] if t.unwrap_invisible().is_punct('!')) || mentions_impl(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{lex_input, normalized, render};

    fn expand_src(kind: Kind, args: &str, item: &str) -> Vec<Tt<&'static str>> {
        expand(kind, true, &lex_input(args), lex_input(item))
    }

    #[track_caller]
    fn assert_contains(haystack: &str, needle: &str) {
        let needle = normalized(needle);
        assert!(
            haystack.contains(&needle),
            "expected\n  {needle}\nin\n  {haystack}"
        );
    }

    #[test]
    fn main_defaults_to_multi_thread() {
        let out = render(&expand_src(
            Kind::Main,
            "",
            "async fn main() { println!(\"hi\"); }",
        ));
        assert_eq!(
            out,
            normalized(
                r#"fn main() {
                    let body = async { println!("hi"); };
                    let body = { if false { let _: &dyn ::core::future::Future<Output = ()> = &body; } body };
                    #[allow(clippy::expect_used, clippy::diverging_sub_expression, clippy::needless_return, clippy::unwrap_in_result)]
                    { return avx::runtime::Builder::new_multi_thread().enable_all().build()
                          .expect("Failed building the Runtime").block_on(body); }
                }"#
            )
        );
    }

    #[test]
    fn test_defaults_to_current_thread_and_adds_the_test_attribute() {
        let out = render(&expand_src(
            Kind::Test,
            "",
            "#[doc = \"d\"] #[should_panic] async fn t() { f().await }",
        ));
        assert_eq!(
            out,
            normalized(
                r#"#[doc = "d"] #[should_panic] #[::core::prelude::v1::test] fn t() {
                    let body = async { f().await };
                    let body = ::core::pin::pin!(body);
                    let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = ()>> = body;
                    #[allow(clippy::expect_used, clippy::diverging_sub_expression, clippy::needless_return, clippy::unwrap_in_result)]
                    { return avx::runtime::Builder::new_current_thread().enable_all().build()
                          .expect("Failed building the Runtime").block_on(body); }
                }"#
            )
        );
    }

    #[test]
    fn builder_calls_follow_the_arguments() {
        let out = render(&expand_src(
            Kind::Test,
            r#"flavor = "multi_thread", worker_threads = 0x2, start_paused = true, name = "db", backend = "tokio", crate = "my_avx""#,
            "async fn t() {}",
        ));
        assert_contains(
            &out,
            r#"return my_avx::runtime::Builder::new_multi_thread().worker_threads(2).start_paused(true)
               .name("db").backend(my_avx::runtime::Backend::Tokio).enable_all().build()
               .expect("Failed building the Runtime").block_on(body);"#,
        );
        let out = render(&expand_src(
            Kind::Main,
            r#"backend = "native", flavor = "current_thread""#,
            "async fn main() {}",
        ));
        assert_contains(
            &out,
            "avx::runtime::Builder::new_current_thread().backend(avx::runtime::Backend::Native).enable_all()",
        );
    }

    #[test]
    fn keeps_visibility_return_type_and_lifts_inner_attributes() {
        let out = render(&expand_src(
            Kind::Main,
            "",
            "pub(crate) async fn run(x: u8) -> Result<(), E> where E: Debug { #![allow(unused)] x?; Ok(()) }",
        ));
        let signature =
            normalized("#[allow(unused)] pub(crate) fn run(x: u8) -> Result<(), E> where E: Debug");
        assert!(out.starts_with(&signature), "{out}");
        assert_contains(&out, "let body = async { x?; Ok(()) };");
        assert_contains(
            &out,
            "let _: &dyn ::core::future::Future<Output = Result<(), E>> = &body;",
        );
        let out = render(&expand_src(
            Kind::Test,
            "",
            "async fn t() -> Result<(), E> { Ok(()) }",
        ));
        assert!(
            out.starts_with(&normalized(
                "#[::core::prelude::v1::test] fn t() -> Result<(), E>"
            )),
            "{out}"
        );
        assert_contains(
            &out,
            "let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = Result<(), E>>> = body;",
        );
    }

    #[test]
    fn skips_the_output_check_for_never_and_impl_trait() {
        for output in ["!", "impl Termination"] {
            let out = render(&expand_src(
                Kind::Main,
                "",
                &format!("async fn main() -> {output} {{ loop {{}} }}"),
            ));
            assert!(!out.contains("if false"), "{out}");
        }
    }

    #[test]
    fn body_tokens_keep_their_spans_and_generated_ones_are_hygienic() {
        let out = expand_src(Kind::Test, "", "async fn t() { let body = 1; body }");
        let Some(Tt::Group(function_body)) = out.last() else {
            panic!("no body")
        };
        // `let body = async { ... }`: the generated `body` is mixed-site...
        assert_eq!(function_body.tokens[1].span(), Span::Mixed);
        // ...and the user's `body` inside keeps its input span.
        let Tt::Group(async_block) = &function_body.tokens[4] else {
            panic!("no async block")
        };
        assert_eq!(async_block.span, Span::Input("{"));
        assert_eq!(
            async_block.tokens[1],
            Tt::Ident {
                name: "body".into(),
                span: Span::Input("body")
            }
        );
        // The runtime call is reported at the last statement.
        let Some(Tt::Group(run)) = function_body.tokens.last() else {
            panic!("no run block")
        };
        assert_eq!(run.tokens[0].span(), Span::MixedAt("body"));
    }

    fn expansion_error(kind: Kind, args: &str, item: &str) -> Error<&'static str> {
        let out = expand_src(kind, args, item);
        let at = out
            .iter()
            .rposition(|t| t.is_ident("compile_error"))
            .expect("an error");
        let Tt::Group(message) = &out[at + 2] else {
            panic!("no message")
        };
        let Tt::Literal { text, .. } = &message.tokens[0] else {
            panic!("no literal")
        };
        Error {
            message: text.trim_matches('"').replace("\\\"", "\""),
            start: out[at - 3].span(),
            end: message.span,
        }
    }

    #[test]
    fn missing_async_is_reported_at_fn() {
        let error = expansion_error(Kind::Main, "", "fn main() {}");
        assert_eq!(
            error.message,
            "the `async` keyword is missing from the function declaration"
        );
        assert_eq!(error.start, Span::Input("fn"));
    }

    #[test]
    fn main_cannot_take_arguments() {
        let error = expansion_error(Kind::Main, "", "async fn main(x: u8) {}");
        assert_eq!(error.message, "the main function cannot accept arguments");
        assert_eq!(error.start, Span::Input("main"));
        // Other functions may.
        let out = render(&expand_src(Kind::Main, "", "async fn run(x: u8) {}"));
        assert!(!out.contains("compile_error"), "{out}");
    }

    #[test]
    fn a_second_test_attribute_is_an_error() {
        let error = expansion_error(Kind::Test, "", "#[test] async fn t() {}");
        assert!(
            error
                .message
                .starts_with("second test attribute is supplied"),
            "{}",
            error.message
        );
        assert_eq!(
            (error.start, error.end),
            (Span::Input("#"), Span::Input("["))
        );
    }

    #[test]
    fn errors_still_expand_the_function_with_the_fallback() {
        let out = render(&expand_src(
            Kind::Main,
            "worker_threads = 0, crate = \"renamed\"",
            "async fn main() {}",
        ));
        assert!(out.starts_with(&normalized("fn main()")), "{out}");
        assert_contains(&out, "renamed::runtime::Builder::new_current_thread()");
        assert_contains(
            &out,
            "::core::compile_error! { \"`worker_threads` may not be 0.\" }",
        );
        let error = expansion_error(
            Kind::Test,
            "flavor = \"multi_thread\", worker_threads = x",
            "async fn t() {}",
        );
        assert_eq!(error.message, "Must be a literal");
        assert_eq!(error.start, Span::Input("x"));
    }

    #[test]
    fn a_non_function_is_returned_with_the_error() {
        let out = render(&expand_src(Kind::Test, "", "struct S;"));
        assert_eq!(
            out,
            normalized(
                r#"struct S; ::core::compile_error! { "the #[avx::test] attribute can only be applied to a function" }"#
            )
        );
    }

    #[test]
    fn multi_thread_without_the_feature_is_a_clear_error() {
        let out = expand(Kind::Main, false, &[], lex_input("async fn main() {}"));
        let out = render(&out);
        assert_contains(&out, "new_current_thread");
        assert_contains(
            &out,
            r#"compile_error! { "The default runtime flavor is `multi_thread`, but the `rt-multi-thread` feature is disabled." }"#,
        );
        assert!(!out.contains("new_multi_thread"), "{out}");
    }

    #[test]
    fn requires_rt_names_the_attribute() {
        let out = render(&requires_rt::<()>(Kind::Test));
        assert_eq!(
            out,
            normalized(
                r#"::core::compile_error! { "The #[avx::test] macro requires rt or rt-multi-thread." }"#
            )
        );
    }
}
