pub mod progress;
pub mod scenario;
pub mod session;
