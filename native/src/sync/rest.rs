//! Raw REST calls through the real `kube::Client` (auth, base URL, TLS all from kube), so
//! the adapter sees the HTTP status (201 vs 200 tells created from configured without an
//! extra GET) and the server's own error message. Transient failures — 429, 5xx, transport
//! errors — are retried here with exponential backoff, in one place.

use kube::Client;
use kube::client::Body;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Attempts per request (1 + retries) before a transient failure becomes the result.
const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// A request that gets no complete answer in this time counts as a transport failure.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Rest {
    client: Client,
    timeout: Duration,
    /// Requests sent (retries included), for the benchmarks.
    pub sent: Arc<AtomicU64>,
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The server's message (a `Status` object), or the HTTP status.
    pub fn message(&self) -> String {
        match self.body.get("message").and_then(Value::as_str) {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => format!("the API server answered HTTP {}", self.status),
        }
    }
}

fn transient(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl Rest {
    pub fn new(client: Client, timeout: Duration) -> Self {
        Rest {
            client,
            timeout,
            sent: Arc::default(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sends `req`, retrying transient failures; `Err` only when the server never answered.
    pub async fn call(&self, req: http::Request<Vec<u8>>) -> Result<Reply, String> {
        let (parts, body) = req.into_parts();
        let mut backoff = FIRST_BACKOFF;
        let mut last = String::new();
        for attempt in 1..=ATTEMPTS {
            let mut builder = http::Request::builder()
                .method(parts.method.clone())
                .uri(parts.uri.clone());
            for (k, v) in &parts.headers {
                builder = builder.header(k, v);
            }
            let req = builder
                .body(Body::from(body.clone()))
                .map_err(|e| format!("cannot build the request: {e}"))?;
            self.sent.fetch_add(1, Ordering::Relaxed);
            let answer = tokio::time::timeout(self.timeout, async {
                let resp = self.client.send(req).await.map_err(|e| e.to_string())?;
                let status = resp.status().as_u16();
                let bytes =
                    resp.into_body().collect_bytes().await.map_err(|e| {
                        format!("the connection dropped while reading the answer: {e}")
                    })?;
                Ok::<_, String>((status, bytes))
            })
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {:?}", self.timeout)));
            match answer {
                Ok((status, bytes)) => {
                    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                    let reply = Reply { status, body };
                    if transient(status) && attempt < ATTEMPTS {
                        last = reply.message();
                        tokio::time::sleep(backoff).await;
                        backoff *= 2;
                        continue;
                    }
                    return Ok(reply);
                }
                Err(e) => {
                    last = e;
                    if attempt < ATTEMPTS {
                        tokio::time::sleep(backoff).await;
                        backoff *= 2;
                    }
                }
            }
        }
        Err(format!(
            "the API server did not answer after {ATTEMPTS} attempts: {last}"
        ))
    }
}
