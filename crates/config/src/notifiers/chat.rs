//! Chat integrations: Slack, Discord, Mattermost, Microsoft Teams (both
//! flavours), Rocket.Chat, Telegram, Webex and WeChat, with upstream's
//! defaults and per-integration checks.

use tocsin_model::GoDuration;
use tocsin_model::goquote::go_quote;

use crate::common::{Secret, SecretUrl, Url};
use crate::decode::Checks;
use crate::decode::config_struct;
use crate::http::HttpClientConfig;

config_struct! {
    /// A Slack confirmation dialog for an action button.
    pub struct SlackConfirmationField {
        go_type: "config.SlackConfirmationField",
        decode_as: "config.plain",
        reset: false,
        list_element: "*",
        check: Some(check_slack_confirm),
    } {
        text: String = String::new() => "text", omitempty;
        title: String = String::new() => "title", omitempty;
        ok_text: String = String::new() => "ok_text", omitempty;
        dismiss_text: String = String::new() => "dismiss_text", omitempty;
    }
}

fn check_slack_confirm(c: &mut SlackConfirmationField, v: &mut Checks<'_, '_>) {
    if c.text.is_empty() {
        v.fail("text", "missing text in Slack confirmation configuration");
    }
}

config_struct! {
    /// A Slack action button.
    pub struct SlackAction {
        go_type: "config.SlackAction",
        decode_as: "config.plain",
        reset: false,
        list_element: "*",
        check: Some(check_slack_action),
    } {
        kind: String = String::new() => "type", omitempty;
        text: String = String::new() => "text", omitempty;
        url: String = String::new() => "url", omitempty;
        style: String = String::new() => "style", omitempty;
        name: String = String::new() => "name", omitempty;
        value: String = String::new() => "value", omitempty;
        confirm: Option<SlackConfirmationField> = None => "confirm", omitempty;
    }
}

fn check_slack_action(c: &mut SlackAction, v: &mut Checks<'_, '_>) {
    if c.kind.is_empty() {
        v.fail("type", "missing type in Slack action configuration");
    }
    if c.text.is_empty() {
        v.fail("text", "missing text in Slack action configuration");
    }
    if !c.url.is_empty() {
        c.name.clear();
        c.value.clear();
        c.confirm = None;
    } else if !c.name.is_empty() {
        c.url.clear();
    } else {
        v.fail("url", "missing name or url in Slack action configuration");
    }
}

config_struct! {
    /// A Slack attachment field.
    pub struct SlackField {
        go_type: "config.SlackField",
        decode_as: "config.plain",
        reset: false,
        list_element: "*",
        check: Some(check_slack_field),
    } {
        title: String = String::new() => "title", omitempty;
        value: String = String::new() => "value", omitempty;
        short: Option<bool> = None => "short", omitempty;
    }
}

fn check_slack_field(c: &mut SlackField, v: &mut Checks<'_, '_>) {
    if c.title.is_empty() {
        v.fail("title", "missing title in Slack field configuration");
    }
    if c.value.is_empty() {
        v.fail("value", "missing value in Slack field configuration");
    }
}

config_struct! {
    /// One `slack_configs` entry. `api_url`/`api_url_file`/`app_token`/
    /// `app_token_file`/`app_url` and `http_config` are filled from `global`.
    pub struct SlackConfig {
        go_type: "config.SlackConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "*",
        check: Some(check_slack),
    } {
        send_resolved: bool = false => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_url: Option<SecretUrl> = None => "api_url", omitempty;
        api_url_file: String = String::new() => "api_url_file", omitempty;
        app_token: Secret = Secret::default() => "app_token", omitempty;
        app_token_file: String = String::new() => "app_token_file", omitempty;
        app_url: Option<Url> = None => "app_url", omitempty;
        /// Channel override (`#channel` or `@user`). Note that an unquoted
        /// `#channel` in YAML is a comment: quote it.
        channel: String = String::new() => "channel", omitempty;
        username: String = r#"{{ template "slack.default.username" . }}"#.to_owned() => "username", omitempty;
        color: String = r#"{{ template "slack.default.color" . }}"#.to_owned() => "color", omitempty;
        title: String = r#"{{ template "slack.default.title" . }}"#.to_owned() => "title", omitempty;
        title_link: String = r#"{{ template "slack.default.titlelink" . }}"#.to_owned() => "title_link", omitempty;
        pretext: String = r#"{{ template "slack.default.pretext" . }}"#.to_owned() => "pretext", omitempty;
        text: String = r#"{{ template "slack.default.text" . }}"#.to_owned() => "text", omitempty;
        message_text: String = String::new() => "message_text", omitempty;
        fields: Vec<SlackField> = Vec::new() => "fields", omitempty;
        short_fields: bool = false => "short_fields";
        footer: String = r#"{{ template "slack.default.footer" . }}"#.to_owned() => "footer", omitempty;
        fallback: String = r#"{{ template "slack.default.fallback" . }}"#.to_owned() => "fallback", omitempty;
        callback_id: String = r#"{{ template "slack.default.callbackid" . }}"#.to_owned() => "callback_id", omitempty;
        icon_emoji: String = r#"{{ template "slack.default.iconemoji" . }}"#.to_owned() => "icon_emoji", omitempty;
        icon_url: String = r#"{{ template "slack.default.iconurl" . }}"#.to_owned() => "icon_url", omitempty;
        image_url: String = String::new() => "image_url", omitempty;
        thumb_url: String = String::new() => "thumb_url", omitempty;
        link_names: bool = false => "link_names";
        mrkdwn_in: Vec<String> = Vec::new() => "mrkdwn_in", omitempty;
        actions: Vec<SlackAction> = Vec::new() => "actions", omitempty;
        /// Update the first message of a group instead of posting new ones
        /// (bot tokens only).
        update_message: bool = false => "update_message";
        /// 0 = no timeout.
        timeout: GoDuration = GoDuration::default() => "timeout";
    }
}

/// The Slack API endpoint `update_message` requires.
pub(crate) const SLACK_POST_MESSAGE_URL: &str = "https://slack.com/api/chat.postMessage";

fn check_slack(c: &mut SlackConfig, v: &mut Checks<'_, '_>) {
    if c.api_url.is_some() && !c.api_url_file.is_empty() {
        v.fail(
            "api_url_file",
            "at most one of api_url & api_url_file must be configured",
        );
    }
    if !c.app_token.is_empty() && !c.app_token_file.is_empty() {
        v.fail(
            "app_token_file",
            "at most one of app_token & app_token_file must be configured",
        );
    }
    let has_url = c.api_url.is_some() || !c.api_url_file.is_empty();
    let has_token = !c.app_token.is_empty() || !c.app_token_file.is_empty();
    if has_url && has_token {
        v.fail(
            "app_token",
            "at most one of api_url/api_url_file & app_token/app_token_file must be configured",
        );
    }
    if c.update_message {
        match &c.api_url {
            Some(u) if u.expose() == SLACK_POST_MESSAGE_URL => {}
            Some(_) => v.fail_hint(
                "update_message",
                "update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage",
                "incoming-webhook URLs cannot edit messages; use a bot token (`app_token`) with `api_url: https://slack.com/api/chat.postMessage`",
            ),
            None => v.fail_hint(
                "update_message",
                "update_message can only be used with bot tokens. api_url must be set to https://slack.com/api/chat.postMessage",
                "set `api_url: https://slack.com/api/chat.postMessage` explicitly (Alertmanager 0.34 crashes on this configuration instead of reporting it)",
            ),
        }
    }
}

/// `webhook_url` / `webhook_url_file` pair checks shared by Discord and Teams.
fn check_webhook_url_pair(has_url: bool, has_file: bool, v: &mut Checks<'_, '_>) {
    if !has_url && !has_file {
        v.fail_hint(
            "webhook_url",
            "one of webhook_url or webhook_url_file must be configured",
            "add `webhook_url: https://…`",
        );
    }
    if has_url && has_file {
        v.fail(
            "webhook_url_file",
            "at most one of webhook_url & webhook_url_file must be configured",
        );
    }
}

config_struct! {
    /// One `discord_configs` entry.
    pub struct DiscordConfig {
        go_type: "discord.DiscordConfig",
        decode_as: "discord.plain",
        reset: true,
        list_element: "*",
        check: Some(check_discord),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        webhook_url: Option<SecretUrl> = None => "webhook_url", omitempty;
        webhook_url_file: String = String::new() => "webhook_url_file", omitempty;
        content: String = String::new() => "content", omitempty;
        title: String = r#"{{ template "discord.default.title" . }}"#.to_owned() => "title", omitempty;
        message: String = r#"{{ template "discord.default.message" . }}"#.to_owned() => "message", omitempty;
        username: String = String::new() => "username", omitempty;
        avatar_url: String = String::new() => "avatar_url", omitempty;
    }
}

fn check_discord(c: &mut DiscordConfig, v: &mut Checks<'_, '_>) {
    check_webhook_url_pair(c.webhook_url.is_some(), !c.webhook_url_file.is_empty(), v);
}

config_struct! {
    /// `priority` of a Mattermost message.
    pub struct MattermostPriority {
        go_type: "mattermost.MattermostPriority",
        decode_as: "mattermost.MattermostPriority",
        reset: false,
        list_element: "*",
        check: None,
    } {
        priority: String = String::new() => "priority", omitempty;
        requested_ack: bool = false => "requested_ack", omitempty;
        persistent_notifications: bool = false => "persistent_notifications", omitempty;
    }
}

config_struct! {
    /// `props` of a Mattermost message.
    pub struct MattermostProps {
        go_type: "mattermost.MattermostProps",
        decode_as: "mattermost.MattermostProps",
        reset: false,
        list_element: "*",
        check: None,
    } {
        card: String = String::new() => "card", omitempty;
    }
}

config_struct! {
    /// A Mattermost attachment field.
    pub struct MattermostField {
        go_type: "mattermost.MattermostField",
        decode_as: "mattermost.plain",
        reset: false,
        list_element: "*",
        check: Some(check_mattermost_field),
    } {
        title: String = String::new() => "title", omitempty;
        value: String = String::new() => "value", omitempty;
        short: Option<bool> = None => "short", omitempty;
    }
}

fn check_mattermost_field(c: &mut MattermostField, v: &mut Checks<'_, '_>) {
    if c.title.is_empty() {
        v.fail("title", "missing title in Mattermost field configuration");
    }
    if c.value.is_empty() {
        v.fail("value", "missing value in Mattermost field configuration");
    }
}

config_struct! {
    /// A Mattermost attachment (deprecated upstream in favour of the
    /// top-level fields).
    pub struct MattermostAttachment {
        go_type: "mattermost.MattermostAttachment",
        decode_as: "mattermost.MattermostAttachment",
        reset: false,
        list_element: "*",
        check: None,
    } {
        fallback: String = String::new() => "fallback", omitempty;
        color: String = String::new() => "color", omitempty;
        pretext: String = String::new() => "pretext", omitempty;
        text: String = String::new() => "text", omitempty;
        author_name: String = String::new() => "author_name", omitempty;
        author_link: String = String::new() => "author_link", omitempty;
        author_icon: String = String::new() => "author_icon", omitempty;
        title: String = String::new() => "title", omitempty;
        title_link: String = String::new() => "title_link", omitempty;
        fields: Vec<MattermostField> = Vec::new() => "fields", omitempty;
        thumb_url: String = String::new() => "thumb_url", omitempty;
        footer: String = String::new() => "footer", omitempty;
        footer_icon: String = String::new() => "footer_icon", omitempty;
        image_url: String = String::new() => "image_url", omitempty;
    }
}

config_struct! {
    /// One `mattermost_configs` entry (`webhook_url(_file)` may come from `global`).
    pub struct MattermostConfig {
        go_type: "mattermost.MattermostConfig",
        decode_as: "mattermost.plain",
        reset: true,
        list_element: "*",
        check: Some(check_mattermost),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        webhook_url: Option<SecretUrl> = None => "webhook_url", omitempty;
        webhook_url_file: String = String::new() => "webhook_url_file", omitempty;
        channel: String = String::new() => "channel", omitempty;
        username: String = r#"{{ template "mattermost.default.username" . }}"#.to_owned() => "username", omitempty;
        text: String = r#"{{ template "mattermost.default.text" . }}"#.to_owned() => "text", omitempty;
        fallback: String = r#"{{ template "mattermost.default.fallback" . }}"#.to_owned() => "fallback", omitempty;
        color: String = r#"{{ template "mattermost.default.color" . }}"#.to_owned() => "color", omitempty;
        pretext: String = String::new() => "pretext", omitempty;
        author_name: String = String::new() => "author_name", omitempty;
        author_link: String = String::new() => "author_link", omitempty;
        author_icon: String = String::new() => "author_icon", omitempty;
        title: String = r#"{{ template "mattermost.default.title" . }}"#.to_owned() => "title", omitempty;
        title_link: String = r#"{{ template "mattermost.default.titlelink" . }}"#.to_owned() => "title_link", omitempty;
        fields: Vec<MattermostField> = Vec::new() => "fields", omitempty;
        thumb_url: String = String::new() => "thumb_url", omitempty;
        footer: String = String::new() => "footer", omitempty;
        footer_icon: String = String::new() => "footer_icon", omitempty;
        image_url: String = String::new() => "image_url", omitempty;
        icon_url: String = String::new() => "icon_url", omitempty;
        icon_emoji: String = String::new() => "icon_emoji", omitempty;
        attachments: Vec<MattermostAttachment> = Vec::new() => "attachments", omitempty;
        kind: String = String::new() => "type", omitempty;
        props: Option<MattermostProps> = None => "props", omitempty;
        priority: Option<MattermostPriority> = None => "priority", omitempty;
    }
}

fn check_mattermost(c: &mut MattermostConfig, v: &mut Checks<'_, '_>) {
    if c.webhook_url.is_some() && !c.webhook_url_file.is_empty() {
        v.fail(
            "webhook_url_file",
            "at most one of webhook_url & webhook_url_file must be configured",
        );
    }
}

config_struct! {
    /// One `msteams_configs` entry (legacy Office 365 connector cards).
    pub struct MsTeamsConfig {
        go_type: "msteams.MSTeamsConfig",
        decode_as: "msteams.plain",
        reset: true,
        list_element: "*",
        check: Some(check_msteams),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        webhook_url: Option<SecretUrl> = None => "webhook_url", omitempty;
        webhook_url_file: String = String::new() => "webhook_url_file", omitempty;
        title: String = r#"{{ template "msteams.default.title" . }}"#.to_owned() => "title", omitempty;
        summary: String = r#"{{ template "msteams.default.summary" . }}"#.to_owned() => "summary", omitempty;
        text: String = r#"{{ template "msteams.default.text" . }}"#.to_owned() => "text", omitempty;
    }
}

fn check_msteams(c: &mut MsTeamsConfig, v: &mut Checks<'_, '_>) {
    check_webhook_url_pair(c.webhook_url.is_some(), !c.webhook_url_file.is_empty(), v);
}

config_struct! {
    /// One `msteamsv2_configs` entry (Power Automate workflows).
    pub struct MsTeamsV2Config {
        go_type: "msteamsv2.MSTeamsV2Config",
        decode_as: "msteamsv2.plain",
        reset: true,
        list_element: "*",
        check: Some(check_msteamsv2),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        webhook_url: Option<SecretUrl> = None => "webhook_url", omitempty;
        webhook_url_file: String = String::new() => "webhook_url_file", omitempty;
        title: String = r#"{{ template "msteamsv2.default.title" . }}"#.to_owned() => "title", omitempty;
        text: String = r#"{{ template "msteamsv2.default.text" . }}"#.to_owned() => "text", omitempty;
    }
}

fn check_msteamsv2(c: &mut MsTeamsV2Config, v: &mut Checks<'_, '_>) {
    check_webhook_url_pair(c.webhook_url.is_some(), !c.webhook_url_file.is_empty(), v);
}

config_struct! {
    /// A Rocket.Chat attachment field (upstream declares only JSON tags, so
    /// the YAML keys are the lower-cased Go field names).
    pub struct RocketchatAttachmentField {
        go_type: "rocketchat.RocketchatAttachmentField",
        decode_as: "rocketchat.RocketchatAttachmentField",
        reset: false,
        list_element: "*",
        check: None,
    } {
        short: Option<bool> = None => "short";
        title: String = String::new() => "title";
        value: String = String::new() => "value";
    }
}

config_struct! {
    /// A Rocket.Chat attachment action (keys are lower-cased Go field names).
    pub struct RocketchatAttachmentAction {
        go_type: "rocketchat.RocketchatAttachmentAction",
        decode_as: "rocketchat.RocketchatAttachmentAction",
        reset: false,
        list_element: "*",
        check: None,
    } {
        kind: String = String::new() => "type";
        text: String = String::new() => "text";
        url: String = String::new() => "url";
        image_url: String = String::new() => "imageurl";
        is_webview: bool = false => "iswebview";
        webview_height_ratio: String = String::new() => "webviewheightratio";
        msg: String = String::new() => "msg";
        msg_in_chat_window: bool = false => "msginchatwindow";
        msg_processing_type: String = String::new() => "msgprocessingtype";
    }
}

config_struct! {
    /// One `rocketchat_configs` entry (`api_url`, `token`, `token_id` and
    /// their `_file` forms may come from `global`).
    pub struct RocketchatConfig {
        go_type: "rocketchat.RocketchatConfig",
        decode_as: "rocketchat.plain",
        reset: true,
        list_element: "*",
        check: Some(check_rocketchat),
    } {
        send_resolved: bool = false => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_url: Option<Url> = None => "api_url", omitempty;
        token_id: Option<Secret> = None => "token_id", omitempty;
        token_id_file: String = String::new() => "token_id_file", omitempty;
        token: Option<Secret> = None => "token", omitempty;
        token_file: String = String::new() => "token_file", omitempty;
        channel: String = String::new() => "channel", omitempty;
        color: String = r#"{{ if eq .Status "firing" }}red{{ else }}green{{ end }}"#.to_owned() => "color", omitempty;
        title: String = r#"{{ template "rocketchat.default.title" . }}"#.to_owned() => "title", omitempty;
        title_link: String = r#"{{ template "rocketchat.default.titlelink" . }}"#.to_owned() => "title_link", omitempty;
        text: String = r#"{{ template "rocketchat.default.text" . }}"#.to_owned() => "text", omitempty;
        fields: Vec<RocketchatAttachmentField> = Vec::new() => "fields", omitempty;
        short_fields: bool = false => "short_fields";
        emoji: String = r#"{{ template "rocketchat.default.emoji" . }}"#.to_owned() => "emoji", omitempty;
        icon_url: String = r#"{{ template "rocketchat.default.iconurl" . }}"#.to_owned() => "icon_url", omitempty;
        image_url: String = String::new() => "image_url", omitempty;
        thumb_url: String = String::new() => "thumb_url", omitempty;
        link_names: bool = false => "link_names";
        actions: Vec<RocketchatAttachmentAction> = Vec::new() => "actions", omitempty;
    }
}

fn check_rocketchat(c: &mut RocketchatConfig, v: &mut Checks<'_, '_>) {
    if c.token.is_some() && !c.token_file.is_empty() {
        v.fail(
            "token_file",
            "at most one of token & token_file must be configured",
        );
    }
    if c.token_id.is_some() && !c.token_id_file.is_empty() {
        v.fail(
            "token_id_file",
            "at most one of token_id & token_id_file must be configured",
        );
    }
}

config_struct! {
    /// One `telegram_configs` entry (`api_url` and `bot_token(_file)` may come from `global`).
    pub struct TelegramConfig {
        go_type: "telegram.TelegramConfig",
        decode_as: "telegram.plain",
        reset: true,
        list_element: "*",
        check: Some(check_telegram),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_url: Option<Url> = None => "api_url";
        bot_token: Secret = Secret::default() => "bot_token", omitempty;
        bot_token_file: String = String::new() => "bot_token_file", omitempty;
        chat_id: i64 = 0 => "chat_id", omitempty;
        chat_id_file: String = String::new() => "chat_id_file", omitempty;
        message_thread_id: i64 = 0 => "message_thread_id", omitempty;
        message: String = r#"{{ template "telegram.default.message" . }}"#.to_owned() => "message", omitempty;
        disable_notifications: bool = false => "disable_notifications", omitempty;
        /// `Markdown`, `MarkdownV2`, `HTML` or empty.
        parse_mode: String = "HTML".to_owned() => "parse_mode", omitempty;
    }
}

fn check_telegram(c: &mut TelegramConfig, v: &mut Checks<'_, '_>) {
    if !c.bot_token.is_empty() && !c.bot_token_file.is_empty() {
        v.fail(
            "bot_token_file",
            "at most one of bot_token & bot_token_file must be configured",
        );
    }
    if c.chat_id == 0 && c.chat_id_file.is_empty() {
        v.fail_hint(
            "chat_id",
            "missing chat_id or chat_id_file on telegram_config",
            "add the numeric `chat_id` of the chat to post to",
        );
    }
    if c.chat_id != 0 && !c.chat_id_file.is_empty() {
        v.fail(
            "chat_id_file",
            "at most one of chat_id & chat_id_file must be configured",
        );
    }
    if !["", "Markdown", "MarkdownV2", "HTML"].contains(&c.parse_mode.as_str()) {
        v.fail("parse_mode", "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string");
    }
}

config_struct! {
    /// One `webex_configs` entry (`api_url` may come from `global`).
    pub struct WebexConfig {
        go_type: "config.WebexConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "*",
        check: Some(check_webex),
    } {
        send_resolved: bool = true => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_url: Option<Url> = None => "api_url", omitempty;
        message: String = r#"{{ template "webex.default.message" . }}"#.to_owned() => "message", omitempty;
        room_id: String = String::new() => "room_id";
    }
}

fn check_webex(c: &mut WebexConfig, v: &mut Checks<'_, '_>) {
    if c.room_id.is_empty() {
        v.fail("room_id", "missing room_id on webex_config");
    }
    if c.http_config
        .as_ref()
        .is_none_or(|h| h.authorization.is_none())
    {
        v.fail_hint(
            "http_config",
            "missing webex_configs.http_config.authorization",
            "Webex needs the bot token: `http_config: {authorization: {credentials: <token>}}`",
        );
    }
}

config_struct! {
    /// One `wechat_configs` entry (`api_url`, `api_secret(_file)` and
    /// `corp_id` may come from `global`).
    pub struct WechatConfig {
        go_type: "config.WechatConfig",
        decode_as: "config.plain",
        reset: true,
        list_element: "*",
        check: Some(check_wechat),
    } {
        send_resolved: bool = false => "send_resolved";
        http_config: Option<HttpClientConfig> = None => "http_config", omitempty;
        api_secret: Secret = Secret::default() => "api_secret", omitempty;
        api_secret_file: String = String::new() => "api_secret_file", omitempty;
        corp_id: String = String::new() => "corp_id", omitempty;
        message: String = r#"{{ template "wechat.default.message" . }}"#.to_owned() => "message", omitempty;
        api_url: Option<Url> = None => "api_url", omitempty;
        to_user: String = r#"{{ template "wechat.default.to_user" . }}"#.to_owned() => "to_user", omitempty;
        to_party: String = r#"{{ template "wechat.default.to_party" . }}"#.to_owned() => "to_party", omitempty;
        to_tag: String = r#"{{ template "wechat.default.to_tag" . }}"#.to_owned() => "to_tag", omitempty;
        agent_id: String = r#"{{ template "wechat.default.agent_id" . }}"#.to_owned() => "agent_id", omitempty;
        /// `text` (default) or `markdown`.
        message_type: String = String::new() => "message_type", omitempty;
    }
}

fn check_wechat(c: &mut WechatConfig, v: &mut Checks<'_, '_>) {
    if c.message_type.is_empty() {
        c.message_type = "text".into();
    }
    if c.message_type != "text" && c.message_type != "markdown" {
        v.fail(
            "message_type",
            format!(
                "weChat message type {} does not match valid options ^(text|markdown)$",
                go_quote(&c.message_type)
            ),
        );
    }
    if !c.api_secret.is_empty() && !c.api_secret_file.is_empty() {
        v.fail(
            "api_secret_file",
            "at most one of api_secret & api_secret_file must be configured",
        );
    }
}
