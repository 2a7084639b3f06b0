//! Notification integrations: each turns a group of alerts into the exact
//! request its provider expects and classifies the answer for retries.
