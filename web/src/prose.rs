//! Lesson texts arrive as HTML rendered from their Markdown at build time (fetched from
//! `lessons/<id>.json`, see lesson_text.rs, so the app carries no Markdown parser). They come from this repository, never from users, so the
//! HTML is trusted.

use yew::{html, AttrValue, Html};

pub fn trusted_html(html: &str) -> Html {
    Html::from_html_unchecked(AttrValue::from(html.to_string()))
}

/// A one-paragraph text as inline HTML (for a button or a sentence): without its `<p>`.
pub fn inline(html: &str) -> &str {
    let trimmed = html.trim();
    trimmed
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        .filter(|inner| !inner.contains("<p>"))
        .unwrap_or(trimmed)
}

/// Prose without its leading `<h1>`: the page shows the lesson's title already.
pub fn without_title(html: &str) -> &str {
    let trimmed = html.trim_start();
    if !trimmed.starts_with("<h1") {
        return html;
    }
    trimmed
        .split_once("</h1>")
        .map_or(html, |(_, rest)| rest.trim_start())
}

/// The `text`/`code` pieces of a message that marks code with backticks, as Markdown does
/// (a check's verdict: "No `cluster_created` event yet."). An unpaired backtick stays text.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    let pieces: Vec<&str> = text.split('`').collect();
    let paired = pieces.len() % 2 == 1;
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        if i % 2 == 1 && (paired || !last) {
            out.push((true, *piece));
        } else if i % 2 == 1 {
            // The unpaired tail: its backtick was text.
            out.push((false, "`"));
            out.push((false, *piece));
        } else if !piece.is_empty() {
            out.push((false, *piece));
        }
    }
    out
}

/// A message with its backtick spans drawn as `<code>`. The message may hold what a learner
/// typed (a container name), so it becomes text nodes, never HTML.
pub fn with_code(text: &str) -> Html {
    html! {
        <>{ for code_spans(text).into_iter().map(|(code, piece)| if code {
            html! { <code>{ piece.to_string() }</code> }
        } else {
            html! { { piece.to_string() } }
        }) }</>
    }
}

#[cfg(test)]
mod tests {
    use super::{code_spans, inline, without_title};

    #[test]
    fn backtick_spans_become_code_and_a_lone_backtick_stays_text() {
        assert_eq!(
            code_spans("No `cluster_created` event yet."),
            vec![
                (false, "No "),
                (true, "cluster_created"),
                (false, " event yet.")
            ]
        );
        assert_eq!(
            code_spans("a `b` c `d"),
            vec![
                (false, "a "),
                (true, "b"),
                (false, " c "),
                (false, "`"),
                (false, "d")
            ]
        );
        assert_eq!(code_spans("plain"), vec![(false, "plain")]);
    }

    #[test]
    fn one_paragraph_loses_its_p_and_two_keep_them() {
        assert_eq!(
            inline("<p>Run <code>ps</code></p>\n"),
            "Run <code>ps</code>"
        );
        assert_eq!(inline("<p>a</p>\n<p>b</p>"), "<p>a</p>\n<p>b</p>");
        assert_eq!(inline("plain"), "plain");
    }

    #[test]
    fn only_a_leading_level_one_heading_is_dropped() {
        assert_eq!(without_title("<h1>Title</h1>\n<p>Body</p>"), "<p>Body</p>");
        assert_eq!(
            without_title("\n<h1 id=x>T</h1><h2>Sub</h2>"),
            "<h2>Sub</h2>"
        );
        assert_eq!(
            without_title("<h2>Sub</h2><h1>Not first</h1>"),
            "<h2>Sub</h2><h1>Not first</h1>"
        );
        assert_eq!(without_title("<h1>Only"), "<h1>Only");
    }
}
