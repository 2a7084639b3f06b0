//! `--version`, in the layout Prometheus tools use (`amtool, version …`).

/// The multi-line version text.
pub fn long_version() -> String {
    format!(
        "tocsin, version {} (branch: {}, revision: {})\n  build user:       {}\n  build date:       {}\n  rust version:     {}\n  platform:         {}/{}\n",
        env!("CARGO_PKG_VERSION"),
        option_env!("TOCSIN_BUILD_BRANCH").unwrap_or("unknown"),
        option_env!("TOCSIN_BUILD_REVISION").unwrap_or("unknown"),
        option_env!("TOCSIN_BUILD_USER").unwrap_or("unknown"),
        option_env!("TOCSIN_BUILD_DATE").unwrap_or("unknown"),
        option_env!("TOCSIN_RUSTC_VERSION").unwrap_or("unknown"),
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}
