//! Knobs of the loader that correspond to Alertmanager command-line flags.

use tocsin_model::matcher::ParseMode;

/// Files larger than this are refused before parsing (Alertmanager has no
/// limit; real configurations are far below it).
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Matcher syntax, as `--enable-feature=utf8-strict-mode|classic-mode`
    /// selects it upstream. Also decides which label names are valid in
    /// `group_by`, `equal` and route `labels` (classic: `[a-zA-Z_][a-zA-Z0-9_]*`;
    /// otherwise any non-empty UTF-8).
    pub matcher_mode: ParseMode,
    /// Refuse inputs larger than this many bytes.
    pub max_bytes: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            matcher_mode: ParseMode::Fallback,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl LoadOptions {
    /// Whether `name` is a valid label name in the selected mode
    /// (upstream's `compat.IsValidLabelName`).
    pub fn is_valid_label_name(&self, name: &str) -> bool {
        tocsin_model::matcher::is_valid_label_name(name, self.matcher_mode)
    }
}
