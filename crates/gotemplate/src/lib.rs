//! A Go `text/template` and `html/template` engine. It knows nothing about
//! alerts: callers supply data as [`Value`]s (including objects with fields
//! and methods) and functions.
