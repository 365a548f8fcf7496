/// Traces off: the `trace` module's functions, doing nothing (sdkgen puts this module in
/// the runtime of every SDK, under `cfg(not(feature = "tracing"))` in a crate's).
mod trace {
    /// No span.
    pub(super) struct Span;

    pub(super) fn span(_: &super::Request) -> Span {
        Span
    }

    // `share` and `enter`: used by the streams part of the runtime, in an SDK that has it.
    #[allow(dead_code)]
    pub(super) fn share(_: &Span) -> Span {
        Span
    }

    /// No guard.
    pub(super) struct Entered;

    #[allow(dead_code)]
    pub(super) fn enter(_: &Span) -> Entered {
        Entered
    }

    pub(super) async fn within<T>(_: Span, call: impl std::future::Future<Output = T>) -> T {
        call.await
    }

    pub(super) fn attempt(
        _: &super::Attempt,
        _: Result<&reqwest::Response, &super::TransportError>,
    ) {
    }
}
