//! Turns a `select!` branch pattern into one that tests a value *by reference*.
//!
//! `select!` must check whether a completed branch's value matches the branch's pattern
//! without moving the value (a non-matching branch is disabled and the value dropped;
//! a matching one hands the value, by value, to the handler's own `match`). It does
//! `match &value { <cleaned> => true, _ => false }`, where matching `&value` puts every
//! binding in by-reference mode. In that mode the compiler rejects explicit binding
//! modifiers and, since edition 2024, reference patterns, so cleaning removes:
//!
//! - `ref` and `mut` binding modifiers (`ref mut x` -> `x`);
//! - reference patterns' `&` and `&mut` (`Some(&x)` -> `Some(x)`): a reference pattern
//!   matches exactly when its sub-pattern matches the referent, and by-reference
//!   matching dereferences implicitly, so the cleaned pattern matches the same values.
//!
//! Left untouched: generic arguments in paths (`Foo::<&mut T>::X`), macro invocations
//! (`m!(...)`) and inline `const { ... }` blocks, which are not patterns to walk.
//!
//! tokio keeps the `&` and strips only its `mut`; that rejects `Some(&x)` in edition
//! 2024 crates, which this version accepts.

use crate::tokens::{Group, Tt, is_arrow};

/// The cleaned pattern (see the module docs). Tokens keep their spans.
pub(crate) fn clean<S: Copy>(tokens: &[Tt<S>]) -> Vec<Tt<S>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut angle_depth = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| &tokens[p]);
        match token {
            Tt::Punct { ch: '<', .. } => angle_depth += 1,
            // The `>` of `->` (in `Fn() -> T`) closes nothing.
            Tt::Punct { ch: '>', .. } if i > 0 && is_arrow(tokens, i - 1) => {}
            Tt::Punct { ch: '>', .. } => angle_depth = angle_depth.saturating_sub(1),
            _ => {}
        }
        if angle_depth > 0 {
            out.push(token.clone());
            continue;
        }
        match token {
            Tt::Ident { name, .. } if name == "ref" || name == "mut" => {}
            Tt::Punct { ch: '&', .. } => {}
            Tt::Group(g) if previous.is_some_and(|p| p.is_punct('!') || p.is_ident("const")) => {
                out.push(Tt::Group(g.clone()));
            }
            Tt::Group(g) => out.push(Tt::Group(Group {
                delim: g.delim,
                tokens: clean(&g.tokens),
                span: g.span,
            })),
            other => out.push(other.clone()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::{Delim, Span, lex_input, normalized, render};

    fn cleaned(src: &str) -> String {
        render(&clean(&lex_input(src)))
    }

    #[test]
    fn strips_binding_modifiers() {
        assert_eq!(cleaned("ref x"), normalized("x"));
        assert_eq!(cleaned("mut x"), normalized("x"));
        assert_eq!(cleaned("Some(ref mut x)"), normalized("Some(x)"));
        assert_eq!(
            cleaned("Point { ref x, y: mut z, .. }"),
            normalized("Point { x, y: z, .. }")
        );
        assert_eq!(cleaned("mut v @ Some(ref w)"), normalized("v @ Some(w)"));
        assert_eq!(
            cleaned("[ref first, mut rest @ ..]"),
            normalized("[first, rest @ ..]")
        );
    }

    #[test]
    fn strips_reference_patterns() {
        assert_eq!(cleaned("Some(&x)"), normalized("Some(x)"));
        assert_eq!(cleaned("&mut x"), normalized("x"));
        assert_eq!(cleaned("&&(a, &mut b)"), normalized("(a, b)"));
    }

    #[test]
    fn keeps_everything_else() {
        for src in [
            "_",
            "None",
            "Ok(1..=5) | Err(_)",
            "Foo::Bar { a: 1, .. }",
            "\"ref\"",
            "r#ref",
        ] {
            assert_eq!(cleaned(src), normalized(src), "{src}");
        }
    }

    #[test]
    fn leaves_generic_arguments_macros_and_const_blocks_alone() {
        assert_eq!(
            cleaned("Foo::<&mut T>::X(ref a)"),
            normalized("Foo::<&mut T>::X(a)")
        );
        assert_eq!(
            cleaned("Foo::<fn() -> &'a u8>::X(mut a)"),
            normalized("Foo::<fn() -> &'a u8>::X(a)")
        );
        assert_eq!(cleaned("m!(ref x) | mut y"), normalized("m!(ref x) | y"));
        assert_eq!(cleaned("const { &X }"), normalized("const { &X }"));
    }

    #[test]
    fn walks_into_invisible_groups_and_keeps_spans() {
        let inner = lex_input("Some(ref x)");
        let forwarded = vec![Tt::group(Delim::None, inner, Span::Input("$pat"))];
        let out = clean(&forwarded);
        assert_eq!(render(&out), normalized("Some(x)"));
        let Tt::Group(g) = &out[0] else {
            panic!("group kept")
        };
        assert_eq!((g.delim, g.span), (Delim::None, Span::Input("$pat")));
        assert_eq!(g.tokens[0].span(), Span::Input("Some"));
    }
}
