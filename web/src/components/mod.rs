pub mod files;
pub mod preview;
pub mod scenario_tools;
pub mod stderr;
pub mod terminal;
pub mod timeline;
pub mod workbench;
