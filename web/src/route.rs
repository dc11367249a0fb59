//! The pages, addressed in the URL fragment (`#/lesson/01-...`), so `dist/` works from any
//! static file server without rewrite rules.

use yew_router::prelude::*;

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Map,
    #[at("/lesson/:id")]
    Lesson { id: String },
    #[at("/playground")]
    Playground,
    /// A scenario shared as a link; opening it loads the playground.
    #[at("/share/:payload")]
    Share { payload: String },
    #[not_found]
    #[at("/404")]
    NotFound,
}
