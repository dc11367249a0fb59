//! The browser preview pane: what `http://localhost:PORT/PATH` of the simulated host serves,
//! read from the core (`World::preview_http`, which changes nothing) and redrawn after every
//! command. HTML shows in an iframe with an empty `sandbox`, so no script of the page runs and
//! it cannot reach the app; other content shows as text; a refused connection as curl says it.

use sim_core::{PreviewResponse, PublishedPort, DEFAULT_HOST};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::use_texts;
use crate::state::session::Session;

/// The port a page address opens when nothing is published yet (the tutorials' choice).
const USUAL_PORT: u16 = 8080;

/// `http://localhost:PORT/PATH` (scheme and port optional) as (port, path), or `None` for an
/// address that is not the simulated host's loopback.
pub fn parse_address(text: &str) -> Option<(u16, String)> {
    let text = text.trim();
    let rest = text.strip_prefix("http://").unwrap_or(text);
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().ok()?),
        None => (authority, 80),
    };
    matches!(host, "localhost" | "127.0.0.1").then(|| (port, path.to_string()))
}

fn address_of(port: u16) -> String {
    format!("http://localhost:{port}/")
}

#[derive(Properties, PartialEq)]
pub struct PreviewProps {
    pub session: UseReducerHandle<Session>,
}

#[component]
pub fn Preview(props: &PreviewProps) -> Html {
    let texts = use_texts();
    let session = &props.session;
    let ports = use_memo(session.revision, {
        let session = session.clone();
        move |_| session.world().published_ports(DEFAULT_HOST)
    });
    // What the learner typed or chose; `None` follows the first published port.
    let chosen = use_state(|| None::<String>);
    let address = (*chosen)
        .clone()
        .unwrap_or_else(|| address_of(ports.first().map_or(USUAL_PORT, |p| p.host_port)));
    let response = use_memo((session.revision, address.clone()), {
        let session = session.clone();
        move |(_, address)| {
            parse_address(address)
                .map(|(port, path)| session.world().preview_http(DEFAULT_HOST, port, &path))
        }
    });

    let on_address = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            chosen.set(Some(input.value()));
        })
    };
    let on_port = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            chosen.set(Some(select.value()));
        })
    };
    let port_option = |p: &PublishedPort| {
        let value = address_of(p.host_port);
        html! {
            <option selected={value == address} value={value.clone()}>
                { format!("{} → {}:{}", p.host_port, p.container, p.container_port) }
            </option>
        }
    };

    let body = match &*response {
        None => html! { <p class="error">{ texts.preview_only_localhost }</p> },
        Some(PreviewResponse::Failed { message }) => html! {
            <pre class="preview-error error" id="preview-error">{ message }</pre>
        },
        Some(
            r @ PreviewResponse::Http {
                status,
                reason,
                content_type,
                container,
                ..
            },
        ) => {
            let content = if content_type == "text/html" {
                html! {
                    <iframe class="preview-frame" id="preview-frame" sandbox=""
                        srcdoc={r.text()} title={texts.preview_frame_title}></iframe>
                }
            } else {
                html! { <pre class="preview-text" id="preview-text">{ r.text() }</pre> }
            };
            html! {
                <>
                    <p class="preview-status muted"><small>
                        { format!("HTTP {status} {reason} · {content_type} · {} {container}", texts.preview_served_by) }
                    </small></p>
                    { content }
                </>
            }
        }
    };

    html! {
        <section class="panel preview-panel" aria-labelledby="preview-heading">
            <h2 id="preview-heading">{ texts.preview }</h2>
            <div class="preview-bar">
                <label for="preview-address" class="visually-hidden">{ texts.preview_address }</label>
                <input id="preview-address" type="text" value={address.clone()}
                    spellcheck="false" autocomplete="off" onchange={on_address} />
                if ports.len() > 1 {
                    <label for="preview-port" class="visually-hidden">{ texts.preview_port }</label>
                    <select id="preview-port" onchange={on_port}>
                        { for ports.iter().map(port_option) }
                    </select>
                }
            </div>
            if ports.is_empty() {
                <p class="muted"><small>{ texts.preview_nothing }</small></p>
            }
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_address;

    #[test]
    fn addresses_of_the_simulated_hosts_loopback() {
        assert_eq!(
            parse_address("http://localhost:8080/a.html"),
            Some((8080, "/a.html".into()))
        );
        assert_eq!(parse_address(" localhost:9090 "), Some((9090, "/".into())));
        assert_eq!(parse_address("http://127.0.0.1"), Some((80, "/".into())));
        assert_eq!(parse_address("http://example.com/"), None);
        assert_eq!(parse_address("http://localhost:99999/"), None);
        assert_eq!(parse_address("http://localhost:ü/"), None);
    }
}
