//! Lesson texts arrive as HTML rendered from their Markdown at build time (fetched from
//! `lessons/<id>.json`, see lesson_text.rs, so the app carries no Markdown parser). They come from this repository, never from users, so the
//! HTML is trusted.

use yew::{AttrValue, Html};

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

#[cfg(test)]
mod tests {
    use super::{inline, without_title};

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
