use super::*;

fn shell(p: &str, t: &str) -> bool {
    fnmatch(p, t)
}

fn file(p: &str, t: &str) -> bool {
    Glob::new(p, Dialect::File).unwrap().matches(t)
}

fn ignore(p: &str, t: &str) -> bool {
    Glob::new(p, Dialect::DockerIgnore).unwrap().matches(t)
}

fn plain(p: &str, t: &str) -> bool {
    Glob::new(p, Dialect::Plain).unwrap().matches(t)
}

#[test]
fn shell_globs() {
    assert!(shell("*.txt", "a.txt"));
    assert!(!shell("*.txt", "a.txt.bak"));
    assert!(shell("a?c", "abc"));
    assert!(shell("*", ""));
    assert!(shell("*", "a/b"), "the shell's * crosses /");
    assert!(shell("a*b*c", "aXbYbZc"));
    assert!(!shell("a*b*c", "aXbYbZ"));
    assert!(shell("\\*", "*"));
    assert!(!shell("\\*", "a"));
    assert!(shell("a\\", "a\\"), "a trailing backslash is itself");
}

#[test]
fn shell_classes() {
    assert!(shell("[a-c]x", "bx"));
    assert!(!shell("[!a-c]x", "bx"));
    assert!(!shell("[^a-c]x", "bx"));
    assert!(shell("[!a-c]x", "dx"));
    assert!(shell("[]a]", "]"), "a leading ] is a member");
    assert!(shell("[a-]", "-"), "a trailing - is a member");
    assert!(shell("[\\]]", "]"));
    assert!(shell("[[:digit:]][[:alpha:]]", "7q"));
    assert!(!shell("[[:digit:]]", "x"));
    assert!(shell("[", "["), "an unclosed [ is a literal");
    assert!(shell("[ab", "[ab"));
    assert!(!shell("[z-a]", "m"), "a reversed range matches nothing");
}

#[test]
fn file_dialect_stops_at_slashes_and_rejects_bad_classes() {
    assert!(file("*.txt", "a.txt"));
    assert!(!file("*.txt", "d/a.txt"));
    assert!(!file("a?b", "a/b"));
    assert!(file("[^a]x", "bx"));
    assert!(file("[!a]x", "!x"), "Go negates with ^ only");
    assert!(file("**x", "abx"), "** is two stars");
    assert_eq!(Glob::new("[a", Dialect::File), Err(BadPattern));
    assert_eq!(Glob::new("[z-a]", Dialect::File), Err(BadPattern));
    assert_eq!(BadPattern.to_string(), "syntax error in pattern");
}

#[test]
fn dockerignore_double_star() {
    assert!(ignore("**/x", "x"));
    assert!(ignore("**/x", "a/b/x"));
    assert!(!ignore("**/x", "a/bx"));
    assert!(ignore("a/**/b", "a/b"));
    assert!(ignore("a/**/b", "a/x/y/b"));
    assert!(!ignore("a/**/b", "a/xb"));
    assert!(ignore("a/**", "a/x/y"));
    assert!(ignore("**", "anything/at/all"));
    assert!(!ignore("*", "a/b"));
}

#[test]
fn plain_words_have_no_classes() {
    assert!(plain("[a]", "[a]"));
    assert!(!plain("[a]", "a"));
    assert!(plain("*/b", "a/b"));
}

#[test]
fn sql_like() {
    assert!(like("a%", "ABC"));
    assert!(like("%b%", "abc"));
    assert!(like("a_c", "abc"));
    assert!(!like("a_c", "ac"));
    assert!(like("100\\%", "100%"));
    assert!(!like("100\\%", "1000"));
    assert!(like("*", "*"), "glob characters are literals in LIKE");
    assert!(!like("*", "x"));
    assert!(like("[a]", "[A]"));
}

#[test]
fn prefix_lengths_and_reversal() {
    let chars: Vec<char> = "a/b/c".chars().collect();
    let star_slash = Glob::new("*/", Dialect::Plain).unwrap();
    assert_eq!(
        star_slash.prefix_lengths(&chars),
        [false, false, true, false, true, false]
    );
    let reversed = Glob::new("/*", Dialect::Plain).unwrap().reversed().unwrap();
    let back: Vec<char> = chars.iter().rev().copied().collect();
    // "*/" against "c/b/a": the suffixes "/c" and "/b/c" of "a/b/c" match "/*".
    assert_eq!(
        reversed.prefix_lengths(&back),
        [false, false, true, false, true, false]
    );
    assert_eq!(
        Glob::new("a/**/b", Dialect::DockerIgnore)
            .unwrap()
            .reversed(),
        None
    );
    let slash_star = Glob::new("/*", Dialect::Plain).unwrap();
    assert_eq!(slash_star.trim_suffix("a/b/c", false), "a/b");
    assert_eq!(slash_star.trim_suffix("a/b/c", true), "a");
    assert_eq!(star_slash.trim_prefix("a/b/c", false), "b/c");
    assert_eq!(star_slash.trim_prefix("a/b/c", true), "c");
}

#[test]
fn long_inputs_stay_linear() {
    let text = "a".repeat(20_000);
    assert!(!shell(&("*a".repeat(50) + "b"), &text));
    assert!(shell(&"*a".repeat(50), &text));
}

/// A plain recursive matcher over the same tokens: exponential, but obviously right.
fn reference(tokens: &[Token], text: &[char]) -> bool {
    match tokens.split_first() {
        None => text.is_empty(),
        Some((Token::Star { slash }, rest)) => (0..=text.len()).any(|k| {
            text.get(..k)
                .is_some_and(|run| *slash || !run.contains(&'/'))
                && reference(rest, text.get(k..).unwrap_or_default())
        }),
        Some((Token::Dirs, rest)) => {
            reference(rest, text)
                || (1..=text.len()).any(|k| {
                    text.get(k - 1) == Some(&'/')
                        && reference(rest, text.get(k..).unwrap_or_default())
                })
        }
        Some((token, rest)) => text
            .split_first()
            .is_some_and(|(&c, more)| token.takes(c) && reference(rest, more)),
    }
}

mod agrees_with_reference {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn every_dialect(
            pattern in "(a|b|/|\\*|\\?|\\[ab\\]|\\[!a\\]|\\*\\*/|\\\\\\*)*",
            text in "(a|b|/|\\*)*",
        ) {
            for dialect in [Dialect::Shell, Dialect::File, Dialect::DockerIgnore, Dialect::Plain] {
                let Ok(glob) = Glob::new(&pattern, dialect) else { continue };
                let chars: Vec<char> = text.chars().collect();
                let accepted = glob.prefix_lengths(&chars);
                for k in 0..=chars.len() {
                    prop_assert_eq!(
                        accepted[k],
                        reference(&glob.tokens, &chars[..k]),
                        "{:?} {:?} {:?} {}", dialect, pattern, text, k
                    );
                }
            }
        }

        #[test]
        fn never_panics(pattern in any::<String>(), text in any::<String>()) {
            for dialect in [Dialect::Shell, Dialect::File, Dialect::DockerIgnore, Dialect::Plain] {
                if let Ok(glob) = Glob::new(&pattern, dialect) {
                    let _ = glob.matches(&text);
                }
            }
            let _ = like(&pattern, &text);
        }
    }
}
