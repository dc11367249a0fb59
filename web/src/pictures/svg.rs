//! Small shared pieces of the SVG pictures.

use yew::prelude::*;

/// Shortens `text` to `max` characters, with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Bytes as docker prints them (`1.2kB`).
pub fn size(bytes: u64) -> String {
    sim_core::output::human_size(bytes)
}

/// Memory in binary units, as `docker stats` prints it (`64MiB`).
pub fn mem_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 100.0 || value.fract() == 0.0 {
        format!("{value:.0}{}", UNITS[unit])
    } else {
        format!("{value:.1}{}", UNITS[unit])
    }
}

/// A colour class for a layer, the same for the same diff_id everywhere.
pub fn hue(diff_id: &str) -> String {
    let n = diff_id
        .bytes()
        .fold(0u32, |acc, b| acc.wrapping_mul(31).wrapping_add(b as u32));
    format!("pic-hue-{}", n % 8)
}

/// One line of text.
pub fn text(x: i32, y: i32, class: &'static str, content: impl Into<String>) -> Html {
    let content: String = content.into();
    html! { <text x={x.to_string()} y={y.to_string()} class={class}>{ content }</text> }
}

/// The accessible SVG frame every picture uses: described in words for screen readers.
pub fn frame(width: i32, height: i32, description: String, body: Html) -> Html {
    let height = height.max(20);
    html! {
        <svg class="pic" role="img" aria-label={description.clone()}
            viewBox={format!("0 0 {width} {height}")}
            width={width.to_string()} height={height.to_string()}
            preserveAspectRatio="xMinYMin meet">
            <title>{ description }</title>
            { body }
        </svg>
    }
}

/// A note in place of a picture with nothing to draw.
pub fn empty(message: &'static str) -> Html {
    html! { <p class="pic-empty">{ message }</p> }
}
