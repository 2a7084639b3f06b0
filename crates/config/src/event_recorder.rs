//! `event_recorder:` (0.33+) — where Alertmanager records its event stream
//! (files, webhooks, Kafka, stdout). Loaded and validated; nothing in
//! tocsin uses it yet.

use std::path::Path;

use tocsin_model::PromDuration;
use tocsin_model::goquote::go_quote;

use crate::common::SecretUrl;
use crate::decode::Checks;
use crate::decode::config_struct;
use crate::http::{HttpClientConfig, TlsConfig, join_dir};

config_struct! {
    /// Append events as JSON lines to a file.
    pub struct FileOutputConfig {
        go_type: "eventrecorder.FileOutputConfig",
        decode_as: "eventrecorder.plain",
        reset: false,
        list_element: "",
        check: Some(check_file_output),
    } {
        path: String = String::new() => "path";
    }
}

fn check_file_output(c: &mut FileOutputConfig, v: &mut Checks<'_, '_>) {
    if c.path.is_empty() {
        v.fail("path", "event_recorder file output requires a path");
    }
}

config_struct! {
    /// POST events to a URL.
    pub struct WebhookOutputConfig {
        go_type: "eventrecorder.WebhookOutputConfig",
        decode_as: "eventrecorder.plain",
        reset: false,
        list_element: "",
        check: Some(check_webhook_output),
    } {
        url: Option<SecretUrl> = None => "url";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        timeout: PromDuration = PromDuration::default() => "timeout", omitempty;
        workers: i64 = 0 => "workers", omitempty;
        max_retries: i64 = 0 => "max_retries", omitempty;
        retry_backoff: PromDuration = PromDuration::default() => "retry_backoff", omitempty;
        batch: bool = false => "batch", omitempty;
        batch_max_events: i64 = 0 => "batch_max_events", omitempty;
        batch_max_bytes: i64 = 0 => "batch_max_bytes", omitempty;
        batch_flush_interval: PromDuration = PromDuration::default() => "batch_flush_interval", omitempty;
    }
}

fn check_webhook_output(c: &mut WebhookOutputConfig, v: &mut Checks<'_, '_>) {
    match &c.url {
        None => v.fail("url", "event_recorder webhook output requires a url"),
        Some(u) if u.0.0.scheme.is_empty() || u.0.0.host.is_empty() => {
            v.fail(
                "url",
                "event_recorder webhook output requires an absolute http(s) url",
            );
        }
        Some(_) => {}
    }
    if c.batch_max_events < 0 || c.batch_max_bytes < 0 {
        v.fail(
            "batch",
            "event_recorder webhook batch settings cannot be negative",
        );
    }
    let batch_settings =
        c.batch_max_events != 0 || c.batch_max_bytes != 0 || !c.batch_flush_interval.0.is_zero();
    if !c.batch && batch_settings {
        v.fail(
            "batch",
            "event_recorder webhook batch settings require batch: true",
        );
    }
}

config_struct! {
    /// Produce events to a Kafka topic.
    pub struct KafkaOutputConfig {
        go_type: "eventrecorder.KafkaOutputConfig",
        decode_as: "eventrecorder.plain",
        reset: false,
        list_element: "",
        check: Some(check_kafka_output),
    } {
        brokers: Vec<String> = Vec::new() => "brokers";
        topic: String = String::new() => "topic";
        client_id: String = String::new() => "client_id", omitempty;
        /// `json` (default) or `protobuf`.
        format: String = String::new() => "format", omitempty;
        /// `none`, `leader` (default) or `all`.
        acks: String = String::new() => "acks", omitempty;
        compression: String = String::new() => "compression", omitempty;
        buffer_size: i64 = 0 => "buffer_size", omitempty;
        tls_config: Option<TlsConfig> = None => "tls_config", omitempty;
    }
}

fn check_kafka_output(c: &mut KafkaOutputConfig, v: &mut Checks<'_, '_>) {
    if c.brokers.is_empty() {
        v.fail(
            "brokers",
            "event_recorder kafka: at least one broker is required",
        );
    } else if c.brokers.iter().any(String::is_empty) {
        v.fail(
            "brokers",
            "event_recorder kafka: broker entries must be non-empty",
        );
    }
    if !["", "none", "leader", "all"].contains(&c.acks.as_str()) {
        v.fail(
            "acks",
            format!(
                "event_recorder kafka: unknown acks {}, must be \"none\", \"leader\", or \"all\"",
                go_quote(&c.acks)
            ),
        );
    }
    if !["", "none", "gzip", "snappy", "lz4", "zstd"].contains(&c.compression.as_str()) {
        v.fail(
            "compression",
            format!(
                "event_recorder kafka: unknown compression {}",
                go_quote(&c.compression)
            ),
        );
    }
    if c.topic.is_empty() {
        v.fail("topic", "event_recorder kafka output requires a topic");
    }
    if c.format.is_empty() {
        c.format = "json".into();
    }
    if c.format != "json" && c.format != "protobuf" {
        v.fail(
            "format",
            format!(
                "event_recorder kafka: unknown format {}, must be \"json\" or \"protobuf\"",
                go_quote(&c.format)
            ),
        );
    }
}

config_struct! {
    /// Write events to standard output (no settings).
    pub struct StdoutOutputConfig {
        go_type: "eventrecorder.StdoutOutputConfig",
        decode_as: "eventrecorder.StdoutOutputConfig",
        reset: false,
        list_element: "",
        check: None,
    } {
    }
}

config_struct! {
    /// `event_recorder:`.
    pub struct EventRecorderConfig {
        go_type: "eventrecorder.Config",
        decode_as: "eventrecorder.Config",
        reset: false,
        list_element: "",
        check: None,
    } {
        file_outputs: Vec<FileOutputConfig> = Vec::new() => "file_outputs", omitempty;
        webhook_outputs: Vec<WebhookOutputConfig> = Vec::new() => "webhook_outputs", omitempty;
        kafka_outputs: Vec<KafkaOutputConfig> = Vec::new() => "kafka_outputs", omitempty;
        stdout_outputs: Vec<StdoutOutputConfig> = Vec::new() => "stdout_outputs", omitempty;
    }
}

impl EventRecorderConfig {
    pub(crate) fn resolve_paths(&mut self, dir: &Path) {
        for f in &mut self.file_outputs {
            join_dir(dir, &mut f.path);
        }
        for w in &mut self.webhook_outputs {
            if let Some(h) = &mut w.http_config {
                h.resolve_paths(dir);
            }
        }
        for k in &mut self.kafka_outputs {
            if let Some(t) = &mut k.tls_config {
                t.resolve_paths(dir);
            }
        }
    }
}
