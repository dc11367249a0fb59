//! Variable substitution as BuildKit's ProcessWord does it.

use super::*;
use std::collections::BTreeMap;

fn vars(v: &[(&str, &str)]) -> BTreeMap<String, String> {
    v.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn expand_variables() {
    let v = vars(&[("HOME", "/root"), ("EMPTY", ""), ("name", "world")]);
    let cases = [
        ("$HOME/bin", "/root/bin"),
        ("${HOME}/bin", "/root/bin"),
        ("${MISSING}x", "x"),
        ("$MISSING", ""),
        ("${MISSING:-default}", "default"),
        ("${EMPTY:-default}", "default"),
        ("${EMPTY-default}", ""),
        ("${HOME:-default}", "/root"),
        ("${HOME:+set}", "set"),
        ("${EMPTY:+set}", ""),
        ("${EMPTY+set}", "set"),
        ("${MISSING:+set}", ""),
        ("\\$HOME", "$HOME"),
        ("'$HOME'", "$HOME"),
        ("\"$HOME is home\"", "/root is home"),
        ("\"a\\\"b\"", "a\"b"),
        ("\"a\\nb\"", "a\\nb"),
        ("a\\nb", "anb"),
        ("hello-$name!", "hello-world!"),
        ("$", "$"),
        ("a$", "a$"),
        ("$1", ""),
        ("${MISSING:-$HOME}", "/root"),
        ("${MISSING:-\"a b\"}", "a b"),
        ("x${name}y", "xworldy"),
    ];
    for (word, want) in cases {
        assert_eq!(expand(word, &v).unwrap(), want, "{word:?}");
    }
}

#[test]
fn expand_patterns() {
    let v = vars(&[("F", "archive.tar.gz"), ("P", "/usr/local/bin")]);
    let cases = [
        ("${F%.*}", "archive.tar"),
        ("${F%%.*}", "archive"),
        ("${F#*.}", "tar.gz"),
        ("${F##*.}", "gz"),
        ("${P/local/opt}", "/usr/opt/bin"),
        ("${P//\\//:}", ":usr:local:bin"),
        ("${F/nothing/x}", "archive.tar.gz"),
    ];
    for (word, want) in cases {
        assert_eq!(expand(word, &v).unwrap(), want, "{word:?}");
    }
}

#[test]
fn expand_errors() {
    let v = vars(&[("EMPTY", "")]);
    let err = |w: &str| expand(w, &v).unwrap_err();
    assert_eq!(
        err("${A").to_string(),
        "failed to process \"${A\": syntax error: missing '}'"
    );
    assert_eq!(
        err("${").message,
        "failed to process \"${\": syntax error: missing '}'"
    );
    assert_eq!(
        err("${}").message,
        "failed to process \"${}\": syntax error: bad substitution"
    );
    assert_eq!(
        err("${A:-x").message,
        "failed to process \"${A:-x\": syntax error: missing '}'"
    );
    assert_eq!(
        err("${A!}").message,
        "failed to process \"${A!}\": unsupported modifier (!) in substitution"
    );
    assert_eq!(
        err("${A?}").message,
        "failed to process \"${A?}\": A: is not allowed to be unset"
    );
    assert_eq!(
        err("${EMPTY:?}").message,
        "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty"
    );
    assert_eq!(
        err("${A:?need A}").message,
        "failed to process \"${A:?need A}\": A: need A"
    );
    assert_eq!(err("'open").message, "failed to process \"'open\": unexpected end of statement while looking for matching single-quote");
    assert_eq!(err("\"open").message, "failed to process \"\\\"open\": unexpected end of statement while looking for matching double-quote");
    let e = err("${A").at_line(7);
    assert_eq!((e.kind, e.line), (ErrorKind::Expand, 7));
}

#[test]
fn expand_limits_nesting_and_stays_fast() {
    let deep = "${a:-".repeat(10_000) + &"}".repeat(10_000);
    let e = expand(&deep, &BTreeMap::new()).unwrap_err();
    assert!(e.message.ends_with("nested too deeply"), "{}", e.message);
    let long = vars(&[("V", &"ab".repeat(5_000))]);
    assert_eq!(expand("${V//a*b/x}", &long).unwrap(), "x");
    assert_eq!(expand("${V%%b*}", &long).unwrap(), "a");
    assert_eq!(expand("${V#*b}", &long).unwrap().len(), 9_998);
}

#[test]
fn expand_with_backtick_escape() {
    let v = vars(&[("A", "1")]);
    assert_eq!(expand_with_escape("`$A", &v, '`').unwrap(), "$A");
    assert_eq!(expand_with_escape("c:\\$A", &v, '`').unwrap(), "c:\\1");
}

mod no_panics {
    use super::super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #[test]
        fn expand_never_panics(word in any::<String>(), shaped in "(\\$|\\{|\\}|:|-|\\+|\\?|#|%|/|\\*|\\\\|'|\"|[a-z]|`)*") {
            let v: BTreeMap<String, String> =
                [("a".to_string(), "abc/def.x".to_string()), ("b".to_string(), String::new())].into_iter().collect();
            let _ = expand(&word, &v);
            let _ = expand(&shaped, &v);
            let _ = expand_with_escape(&shaped, &v, '`');
        }
    }
}
