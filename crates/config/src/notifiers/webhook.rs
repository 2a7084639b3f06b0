//! Generic HTTP and cloud integrations: `webhook_configs` and `sns_configs`
//! (with its SigV4 signing settings).

use std::collections::BTreeMap;

use tocsin_model::GoDuration;

use crate::common::{Secret, SecretTemplateUrl};
use crate::decode::config_struct;
use crate::decode::{Checks, Value};
use crate::http::HttpClientConfig;

config_struct! {
    /// One `webhook_configs` entry.
    pub struct WebhookConfig {
        go_type: "webhook.WebhookConfig",
        decode_as: "webhook.plain",
        reset: true,
        list_element: "*",
        check: Some(check_webhook),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        /// May contain Go template syntax (rendered per notification).
        url: SecretTemplateUrl = SecretTemplateUrl::default() => "url", omitempty;
        url_file: String = String::new() => "url_file";
        /// 0 = send all alerts.
        max_alerts: u64 = 0 => "max_alerts";
        /// 0 = no timeout.
        timeout: GoDuration = GoDuration::default() => "timeout";
        /// Custom JSON body: string leaves are templates.
        payload: Value = Value::Null => "payload", omitempty;
    }
}

fn check_webhook(c: &mut WebhookConfig, v: &mut Checks<'_, '_>) {
    if c.url.is_empty() && c.url_file.is_empty() {
        v.fail_hint(
            "url",
            "one of url or url_file must be configured",
            "add `url: http://…` (the endpoint to POST alerts to)",
        );
    }
    if !c.url.is_empty() && !c.url_file.is_empty() {
        v.fail(
            "url_file",
            "at most one of url & url_file must be configured",
        );
    }
}

config_struct! {
    /// AWS Signature Version 4 settings (prometheus/sigv4).
    pub struct SigV4Config {
        go_type: "sigv4.SigV4Config",
        decode_as: "sigv4.plain",
        reset: true,
        list_element: "",
        check: Some(check_sigv4),
    } {
        region: String = String::new() => "region", omitempty;
        access_key: String = String::new() => "access_key", omitempty;
        secret_key: Secret = Secret::default() => "secret_key", omitempty;
        profile: String = String::new() => "profile", omitempty;
        role_arn: String = String::new() => "role_arn", omitempty;
        external_id: String = String::new() => "external_id", omitempty;
        use_fips_sts_endpoint: bool = false => "use_fips_sts_endpoint", omitempty;
        service_name: String = String::new() => "service_name", omitempty;
    }
}

fn check_sigv4(c: &mut SigV4Config, v: &mut Checks<'_, '_>) {
    if c.access_key.is_empty() != c.secret_key.is_empty() {
        v.fail(
            "access_key",
            "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config",
        );
    }
    if !c.external_id.is_empty() && c.role_arn.is_empty() {
        v.fail("external_id", "external_id can only be used with role_arn");
    }
}

config_struct! {
    /// One `sns_configs` entry.
    pub struct SnsConfig {
        go_type: "sns.SNSConfig",
        decode_as: "sns.plain",
        reset: true,
        list_element: "*",
        check: Some(check_sns),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_url: String = String::new() => "api_url", omitempty;
        sigv4: SigV4Config = SigV4Config::default() => "sigv4";
        topic_arn: String = String::new() => "topic_arn", omitempty;
        phone_number: String = String::new() => "phone_number", omitempty;
        target_arn: String = String::new() => "target_arn", omitempty;
        subject: String = r#"{{ template "sns.default.subject" . }}"#.to_owned() => "subject", omitempty;
        message: String = r#"{{ template "sns.default.message" . }}"#.to_owned() => "message", omitempty;
        attributes: BTreeMap<String, String> = BTreeMap::new() => "attributes", omitempty;
        use_aws_http_client: bool = false => "use_aws_http_client", omitempty;
    }
}

fn check_sns(c: &mut SnsConfig, v: &mut Checks<'_, '_>) {
    // Upstream's chained XOR: exactly one of the three is accepted, and
    // (quirk) so are all three together.
    let (target, topic, phone) = (
        c.target_arn.is_empty(),
        c.topic_arn.is_empty(),
        c.phone_number.is_empty(),
    );
    if (target != topic) != phone {
        v.fail_hint(
            "topic_arn",
            "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config",
            "set exactly one of `topic_arn`, `target_arn` or `phone_number`",
        );
    }
}
