// ---- Traces, in a crate with the `tracing` feature on ----

/// The span of each call: named `call`, with OpenTelemetry's HTTP client attributes
/// (`otel.name` is the operation, which OpenTelemetry exporters take as the span's name).
/// Without the feature, a module of the same functions that do nothing stands in its place,
/// and the crate has no `tracing`.
#[cfg(feature = "tracing")]
mod trace {
    pub(super) type Span = tracing::Span;

    /// A span for the call `request` begins.
    pub(super) fn span(request: &super::Request) -> Span {
        tracing::info_span!(
            "call",
            otel.name = request.operation,
            otel.kind = "client",
            http.request.method = %request.method,
            url.template = request.template,
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            error.type = tracing::field::Empty,
        )
    }

    /// Runs `call` inside `span`, to its end (the body read too).
    pub(super) async fn within<T>(span: Span, call: impl std::future::Future<Output = T>) -> T {
        tracing::Instrument::instrument(call, span).await
    }

    // `share` and `enter`: used by the streams part of the runtime, in an SDK that has it.
    #[allow(dead_code)]
    pub(super) fn share(span: &Span) -> Span {
        span.clone()
    }

    /// Enters `span` until the guard is dropped (a stream's body, read as it is polled).
    #[allow(dead_code)]
    pub(super) fn enter(span: &Span) -> tracing::span::Entered<'_> {
        span.enter()
    }

    /// Records an attempt's outcome on the current span, and as an event of its own.
    pub(super) fn attempt(
        attempt: &super::Attempt,
        outcome: Result<&reqwest::Response, &super::TransportError>,
    ) {
        let span = tracing::Span::current();
        if attempt.number > 1 {
            span.record("http.request.resend_count", attempt.number - 1);
        }
        match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                span.record("http.response.status_code", status);
                if status >= 400 {
                    span.record("error.type", status);
                }
                tracing::debug!(
                    attempt = attempt.number,
                    http.response.status_code = status,
                    elapsed_ms = attempt.elapsed.as_millis() as u64,
                    "response"
                );
            }
            Err(e) => {
                let kind = if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connect"
                } else {
                    "transport"
                };
                span.record("error.type", kind);
                tracing::debug!(attempt = attempt.number, error = %e, "no response");
            }
        }
    }
}
