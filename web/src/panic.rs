//! A crash must not leave a silently frozen page in front of a workshop: besides the usual
//! console report, show what happened in the page itself.

use std::panic::PanicHookInfo;

pub fn install_hook() {
    yew::set_custom_panic_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_in_page(&info.to_string());
    }));
}

fn show_in_page(message: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let Ok(banner) = document.create_element("div") else {
        return;
    };
    banner.set_id("panic");
    banner.set_attribute("role", "alert").ok();
    banner.set_text_content(Some(&format!(
        "The simulator crashed; reload the page to start again.\n\n{message}"
    )));
    if let Some(body) = document.body() {
        body.prepend_with_node_1(&banner).ok();
    }
}
