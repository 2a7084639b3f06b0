//! The HTTP surface: Alertmanager's API v2, /-/healthy, /-/ready,
//! /-/reload and /metrics.
