//! `tracing:` — where Alertmanager sends its own OpenTelemetry traces.
//! Loaded and validated; nothing in tocsin uses it yet.

use tocsin_model::PromDuration;

use crate::decode::config_struct;
use crate::decode::{Checks, Decode, Decoder};
use crate::http::{Headers, TlsConfig};
use crate::render::{Out, Render};
use crate::yaml::NodeId;

/// `client_type`: `grpc` or `http`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TracingClientType(pub String);

impl Decode for TracingClientType {
    fn zero() -> Self {
        TracingClientType::default()
    }
    fn go_type() -> String {
        "tracing.TracingClientType".into()
    }
    fn decode(&mut self, id: NodeId, cx: &mut Decoder<'_>) {
        let mut s = String::new();
        let before = cx.error_count();
        s.decode(id, cx);
        if cx.error_count() != before {
            return;
        }
        if s != "http" && s != "grpc" {
            let at = cx.mark(id);
            cx.decode_error(
                at,
                format!("expected tracing client type to be to be http or grpc, but got {s}"),
            );
            return;
        }
        self.0 = s;
    }
}

impl Render for TracingClientType {
    fn render(&self) -> Out {
        Out::Str(self.0.clone())
    }
    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

config_struct! {
    /// `tracing:`.
    pub struct TracingConfig {
        go_type: "tracing.TracingConfig",
        decode_as: "tracing.plain",
        reset: true,
        list_element: "",
        check: Some(check_tracing),
    } {
        client_type: TracingClientType = TracingClientType("grpc".into()) => "client_type", omitempty;
        endpoint: String = String::new() => "endpoint", omitempty;
        sampling_fraction: f64 = 0.0 => "sampling_fraction", omitempty;
        insecure: bool = false => "insecure", omitempty;
        tls_config: Option<TlsConfig> = None => "tls_config", omitempty;
        headers: Option<Headers> = None => "headers", omitempty;
        compression: String = String::new() => "compression", omitempty;
        timeout: PromDuration = PromDuration::default() => "timeout", omitempty;
    }
}

fn check_tracing(t: &mut TracingConfig, v: &mut Checks<'_, '_>) {
    if t.endpoint.is_empty() {
        v.fail("endpoint", "tracing endpoint must be set");
    }
    if !t.compression.is_empty() && t.compression != "gzip" {
        v.fail(
            "compression",
            format!(
                "invalid compression type {} provided, valid options: gzip",
                t.compression
            ),
        );
    }
}
