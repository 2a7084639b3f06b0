//! One module per command; each returns the process exit code or an error
//! that `main` prints as `tocsin: error: …`.

pub mod alertmanager;
pub mod check_config;
pub mod routes;
pub mod version;
