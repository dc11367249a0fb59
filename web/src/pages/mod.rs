pub mod lesson;
pub mod map;
pub mod playground;
pub mod share;

use std::rc::Rc;

use crate::state::progress::PLAYGROUND;

/// Every storage owner: the lessons and the playground (for exports).
pub fn storage_owners() -> Rc<Vec<String>> {
    let mut owners: Vec<String> = sim_lessons::catalog()
        .map(|c| c.lessons.iter().map(|l| l.id.clone()).collect())
        .unwrap_or_default();
    owners.push(PLAYGROUND.to_string());
    Rc::new(owners)
}
