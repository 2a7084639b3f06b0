//! One module per command; each returns the process exit code or an error
//! that `main` prints as `tocsin: error: …`.

pub mod alert;
pub mod alertmanager;
pub mod check_config;
pub mod inspect;
pub mod notify;
pub mod routes;
pub mod silence;
pub mod template;
pub mod version;
