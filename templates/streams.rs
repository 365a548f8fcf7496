// Streams: server-sent events, the pages of a list, and bodies read as they arrive. sdkgen
// appends this part (`templates/streams.rs`) to the runtime only of an SDK that has one of
// them, so that an SDK without pulls in neither `futures-core` nor `bytes`.

/// Bytes of an answer as they arrive: a download that never sits whole in memory. Each wait
/// for the next chunk may take as long as the client's timeout (60 seconds unless set); a
/// longer silence ends the stream with [`Error::Timeout`]. Dropping it closes the connection.
///
/// A [`futures_core::Stream`], and `next().await` without any other crate:
/// `while let Some(chunk) = bytes.next().await { file.write_all(&chunk?).await?; }`.
#[must_use = "a stream does nothing until it is polled"]
pub struct ByteStream<E> {
    pull: Option<Pull>,
    idle: Duration,
    /// The call's span, entered while the body is read (with the `tracing` feature).
    span: trace::Span,
    content_length: Option<u64>,
    error: std::marker::PhantomData<fn() -> E>,
}

/// The next chunk on its way, with the response it is read from.
type Pull = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = (Result<Option<bytes::Bytes>, SendError>, reqwest::Response),
            > + Send,
    >,
>;

fn pull(mut response: reqwest::Response, idle: Duration) -> Pull {
    Box::pin(async move {
        let chunk = match tokio::time::timeout(idle, response.chunk()).await {
            Ok(chunk) => chunk.map_err(|e| SendError::Http(e.into())),
            Err(_) => Err(SendError::Timeout(idle)),
        };
        (chunk, response)
    })
}

/// Why waiting for the next bytes of an answer failed.
enum SendError {
    Http(TransportError),
    Timeout(Duration),
}

impl<E> From<SendError> for Error<E> {
    fn from(e: SendError) -> Self {
        match e {
            SendError::Http(e) => Error::Transport(e),
            SendError::Timeout(after) => Error::Timeout(after),
        }
    }
}

impl<E> ByteStream<E> {
    fn new(response: reqwest::Response, idle: Duration, span: trace::Span) -> Self {
        ByteStream {
            content_length: response.content_length(),
            pull: Some(pull(response, idle)),
            idle,
            span,
            error: std::marker::PhantomData,
        }
    }

    /// The body's length, when the server said it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The next chunk; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<bytes::Bytes, Error<E>>> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(std::pin::Pin::new(&mut *self), cx)
        })
        .await
    }

    /// Ends the stream and closes the connection.
    fn close(&mut self) {
        self.pull = None;
    }
}

impl<E> futures_core::Stream for ByteStream<E> {
    type Item = Result<bytes::Bytes, Error<E>>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<bytes::Bytes, Error<E>>>> {
        let this = self.get_mut();
        let _entered = trace::enter(&this.span);
        let Some(pending) = &mut this.pull else {
            return std::task::Poll::Ready(None);
        };
        let (chunk, response) = std::task::ready!(pending.as_mut().poll(cx));
        std::task::Poll::Ready(match chunk {
            Ok(Some(bytes)) => {
                this.pull = Some(pull(response, this.idle));
                Some(Ok(bytes))
            }
            Ok(None) => {
                this.pull = None;
                None
            }
            Err(e) => {
                this.pull = None;
                Some(Err(e.into()))
            }
        })
    }
}

impl Core {
    /// Sends `request` for an answer to read as it arrives. The timeout covers the headers;
    /// retries happen only before them. A failed call's body is read (within the timeout) and
    /// decoded by the operation's `read`, so a documented error is as typed as from `.await`.
    async fn open<T, H, E>(
        &self,
        request: Request,
        documented: &[(u16, u16)],
        read: Read<T, H, E>,
    ) -> Result<(reqwest::Response, Duration, trace::Span), Error<E>> {
        let timeout = self.options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let span = trace::span(&request);
        let response = trace::within(trace::share(&span), self.send(request, Limit::Headers));
        let response = response.await?;
        if response.status().is_success() {
            return Ok((response, timeout, span));
        }
        let answer = tokio::time::timeout(timeout, Answer::read(response, documented))
            .await
            .map_err(|_| Error::Timeout(timeout))??;
        Err(match read(answer) {
            Err(e) => e,
            Ok(unexpected) => Error::UnexpectedStatus {
                status: unexpected.status,
                headers: Box::new(unexpected.raw_headers),
                body: String::new(),
            },
        })
    }
}

/// Sends a download's request and gives its body as it arrives.
pub async fn download<T, H, E>(
    core: &Core,
    request: Result<Request, Error<E>>,
    documented: &'static [(u16, u16)],
    read: Read<T, H, E>,
) -> Result<ByteStream<E>, Error<E>> {
    let (response, idle, span) = core.open(request?, documented, read).await?;
    Ok(ByteStream::new(response, idle, span))
}

/// One server-sent event, as the WHATWG rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerEvent {
    /// The `event:` name; `message` when the server gave none.
    pub event: String,
    /// The `data:` lines, joined by newlines.
    pub data: String,
    /// The last `id:` the stream gave, this event's or an earlier one's.
    pub id: Option<String>,
    /// The reconnection time the stream last asked for, in milliseconds.
    pub retry: Option<u64>,
}

/// How an event's data becomes an item of the stream.
pub type Decode<T, E> = fn(reqwest::StatusCode, &ServerEvent) -> Result<T, Error<E>>;

/// The events of a `text/event-stream` answer, decoded as they arrive.
///
/// Ends at the end of the body, or at a `data: [DONE]` event (which it does not yield). An
/// `event: error`, or an `{"error": ...}` object where an event was expected, is an
/// [`Error::Event`] item. Never reconnects: a request is sent once (a `POST` resent could do
/// its work twice). Each wait for the server may take as long as the client's timeout; a
/// longer silence ends the stream with [`Error::Timeout`]. Dropping it closes the connection.
///
/// A [`futures_core::Stream`], and `next().await` without any other crate.
#[must_use = "a stream does nothing until it is polled"]
pub struct EventStream<T, E> {
    bytes: ByteStream<E>,
    parser: EventParser,
    ready: std::collections::VecDeque<ServerEvent>,
    decode: Decode<T, E>,
    status: reqwest::StatusCode,
    ended: bool,
    /// The id of the last event given out (the parser may have read further).
    last_id: Option<String>,
}

impl<T, E> EventStream<T, E> {
    /// The next event; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<T, Error<E>>> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(std::pin::Pin::new(&mut *self), cx)
        })
        .await
    }

    /// The last `id:` the server sent (to resume from, where the API allows it).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }
}

impl<T, E> futures_core::Stream for EventStream<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<T, Error<E>>>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.ready.pop_front() {
                this.last_id.clone_from(&event.id);
                if event.data == "[DONE]" {
                    this.ended = true;
                    this.ready.clear();
                    this.bytes.close();
                    return std::task::Poll::Ready(None);
                }
                if event.event == "error" {
                    let ServerEvent { event, data, .. } = event;
                    return std::task::Poll::Ready(Some(Err(Error::Event { event, data })));
                }
                return std::task::Poll::Ready(Some((this.decode)(this.status, &event)));
            }
            if this.ended {
                return std::task::Poll::Ready(None);
            }
            match std::task::ready!(futures_core::Stream::poll_next(
                std::pin::Pin::new(&mut this.bytes),
                cx
            )) {
                Some(Ok(chunk)) => this.parser.feed(&chunk, &mut this.ready),
                Some(Err(e)) => {
                    this.ended = true;
                    return std::task::Poll::Ready(Some(Err(e)));
                }
                // An event the server did not end with a blank line is dropped (WHATWG).
                None => this.ended = true,
            }
        }
    }
}

/// Sends an event stream's request with `Accept: text/event-stream` and gives its events as
/// they arrive, once the status says the call succeeded (a failed call is the error `.await`
/// would give).
pub async fn events<T0, H, T, E>(
    core: &Core,
    request: Result<Request, Error<E>>,
    documented: &'static [(u16, u16)],
    read: Read<T0, H, E>,
    decode: Decode<T, E>,
) -> Result<EventStream<T, E>, Error<E>> {
    let mut request = request?;
    request.headers.push(("accept", "text/event-stream".into()));
    let (response, idle, span) = core.open(request, documented, read).await?;
    let status = response.status();
    let media = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media != "text/event-stream" {
        return Err(Error::Protocol(format!(
            "asked for an event stream, the server answered `{media}`"
        )));
    }
    Ok(EventStream {
        bytes: ByteStream::new(response, idle, span),
        parser: EventParser::default(),
        ready: std::collections::VecDeque::new(),
        decode,
        status,
        ended: false,
        last_id: None,
    })
}

/// An event's data decoded as JSON. An object whose one property is `error` is the server
/// reporting an error in the stream: [`Error::Event`].
pub fn event_json<T: serde::de::DeserializeOwned, E>(
    status: reqwest::StatusCode,
    event: &ServerEvent,
) -> Result<T, Error<E>> {
    match error_event(event) {
        Some(error) => Err(error),
        None => decode(status, event.data.as_bytes()),
    }
}

/// An event's data, as text.
pub fn event_text<E>(_: reqwest::StatusCode, event: &ServerEvent) -> Result<String, Error<E>> {
    Ok(event.data.clone())
}

/// The whole event as the object `{"event", "data", "id", "retry"}` (`data` as JSON when it
/// is JSON, else as text), for streams whose schema describes events by their `event:` name.
pub fn event_object<T: serde::de::DeserializeOwned, E>(
    status: reqwest::StatusCode,
    event: &ServerEvent,
) -> Result<T, Error<E>> {
    let data = serde_json::from_str(&event.data)
        .unwrap_or_else(|_| serde_json::Value::String(event.data.clone()));
    let mut object = serde_json::Map::new();
    object.insert("event".into(), event.event.clone().into());
    object.insert("data".into(), data);
    if let Some(id) = &event.id {
        object.insert("id".into(), id.clone().into());
    }
    if let Some(retry) = event.retry {
        object.insert("retry".into(), retry.into());
    }
    if let Some(error) = error_event(event) {
        return Err(error);
    }
    let bytes = serde_json::to_vec(&object).unwrap_or_default();
    decode(status, &bytes)
}

/// `{"error": ...}` as an event's data: an error the server reports in the stream.
fn error_event<E>(event: &ServerEvent) -> Option<Error<E>> {
    if !event.data.trim_start().starts_with('{') || !event.data.contains("\"error\"") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(&event.data).ok()?;
    let object = value.as_object()?;
    if object.len() != 1 || !object.contains_key("error") {
        return None;
    }
    Some(Error::Event {
        event: event.event.clone(),
        data: event.data.clone(),
    })
}

/// The WHATWG `text/event-stream` parser: lines end in CRLF, LF or CR (also across chunks), a
/// leading BOM is skipped, a line is decoded once whole (so a chunk may end inside a UTF-8
/// character), `:` starts a comment, and a blank line dispatches the event.
#[derive(Default)]
struct EventParser {
    line: Vec<u8>,
    after_cr: bool,
    started: bool,
    event: String,
    data: String,
    id: Option<String>,
    retry: Option<u64>,
}

impl EventParser {
    fn feed(&mut self, chunk: &[u8], out: &mut std::collections::VecDeque<ServerEvent>) {
        for &byte in chunk {
            if std::mem::take(&mut self.after_cr) && byte == b'\n' {
                continue;
            }
            match byte {
                b'\r' => {
                    self.after_cr = true;
                    self.line_end(out);
                }
                b'\n' => self.line_end(out),
                _ => self.line.push(byte),
            }
        }
    }

    fn line_end(&mut self, out: &mut std::collections::VecDeque<ServerEvent>) {
        let bytes = std::mem::take(&mut self.line);
        let text = String::from_utf8_lossy(&bytes);
        let mut line: &str = &text;
        if !std::mem::replace(&mut self.started, true) {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_string(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_string()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut std::collections::VecDeque<ServerEvent>) {
        let event = std::mem::take(&mut self.event);
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        out.push_back(ServerEvent {
            event: if event.is_empty() {
                "message".into()
            } else {
                event
            },
            data,
            id: self.id.clone(),
            retry: self.retry,
        });
    }
}

/// How a list asks for its next page. Pointers are JSON pointers into the page's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// The body gives the next page's cursor at `next`; it goes in query parameter `param`.
    /// No cursor (missing, `null` or empty) is the last page.
    Cursor {
        param: &'static str,
        next: &'static str,
    },
    /// The `Link` header's `rel="next"` is the next page's URL; none is the last page.
    Link,
    /// The body gives the next page's URL at `next`.
    NextUrl { next: &'static str },
    /// The last item's `id` (items at `items`) goes in `param`, while the body's `has_more` is
    /// true (Stripe's `starting_after`; a request with `ending_before` pages backwards from
    /// the first item instead, and never sends both).
    After {
        param: &'static str,
        items: &'static str,
        has_more: &'static str,
    },
    /// `param` is the count of items before the page (from the request's own value, else 0);
    /// an empty page, or one past `total`, is the last.
    Offset {
        param: &'static str,
        items: &'static str,
        total: Option<&'static str>,
    },
    /// `param` numbers the pages from `first` (or the request's own value); an empty page, or
    /// the page numbered at `last`, is the last.
    Page {
        param: &'static str,
        items: &'static str,
        first: i64,
        last: Option<&'static str>,
    },
}

/// The pages of a list, each a whole answer: requested one at a time, only as the stream is
/// polled (drop it and no further request is sent). Every page is the first request with
/// only its paging parameter changed, so page size and filters carry over; each is retried
/// as any call is. A server that gives the same next page twice ends the stream with
/// [`Error::Protocol`] instead of looping.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<'a, T, H, E> {
    core: &'a Core,
    next: Option<Result<Request, Error<E>>>,
    sending: Option<(Request, Answering<'a, E>)>,
    documented: &'static [(u16, u16)],
    read: Read<T, H, E>,
    paging: Paging,
    seen: std::collections::HashSet<String>,
}

/// The pages of a list operation, starting from `request`.
pub fn pages<'a, T, H, E>(
    core: &'a Core,
    request: Result<Request, Error<E>>,
    documented: &'static [(u16, u16)],
    read: Read<T, H, E>,
    paging: Paging,
) -> Pages<'a, T, H, E> {
    Pages {
        core,
        next: Some(request),
        sending: None,
        documented,
        read,
        paging,
        seen: std::collections::HashSet::new(),
    }
}

impl<'a, T, H, E: Send + 'a> Pages<'a, T, H, E> {
    /// The next page; `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Response<T, H>, Error<E>>> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(std::pin::Pin::new(&mut *self), cx)
        })
        .await
    }

    /// The request for the page after `answer`, or `None` after the last page.
    fn advance(
        &mut self,
        mut request: Request,
        answer: &Answer,
    ) -> Option<Result<Request, Error<E>>> {
        let body = || serde_json::from_slice::<serde_json::Value>(&answer.bytes).ok();
        let items = |body: &serde_json::Value, at: &str| -> Vec<serde_json::Value> {
            match body.pointer(at) {
                Some(serde_json::Value::Array(items)) => items.clone(),
                _ => Vec::new(),
            }
        };
        let seen_key = match self.paging {
            Paging::Cursor { param, next } => {
                let cursor = scalar_text(body()?.pointer(next)?)?;
                request.set_query(param, &cursor);
                cursor
            }
            Paging::Link => {
                let link = answer
                    .headers
                    .get_all(reqwest::header::LINK)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(next_link)?;
                return self.linked(request, answer, &link);
            }
            Paging::NextUrl { next } => {
                let link = scalar_text(body()?.pointer(next)?)?;
                return self.linked(request, answer, &link);
            }
            Paging::After {
                param,
                items: at,
                has_more,
            } => {
                let body = body()?;
                if body.pointer(has_more) == Some(&serde_json::Value::Bool(false)) {
                    return None;
                }
                let items = items(&body, at);
                let backwards = request.has_query("ending_before") && !request.has_query(param);
                let (param, item) = if backwards {
                    ("ending_before", items.first()?)
                } else {
                    (param, items.last()?)
                };
                let id = scalar_text(item.get("id")?)?;
                request.set_query(param, &id);
                id
            }
            Paging::Offset {
                param,
                items: at,
                total,
            } => {
                let body = body()?;
                let count = items(&body, at).len() as i64;
                let offset = request.query_number(param).unwrap_or(0) + count;
                let total = total.and_then(|t| body.pointer(t)?.as_i64());
                if count == 0 || total.is_some_and(|total| offset >= total) {
                    return None;
                }
                request.set_query(param, &offset.to_string());
                return Some(Ok(request));
            }
            Paging::Page {
                param,
                items: at,
                first,
                last,
            } => {
                let body = body()?;
                let page = request.query_number(param).unwrap_or(first);
                let last = last.and_then(|l| body.pointer(l)?.as_i64());
                if items(&body, at).is_empty() || last.is_some_and(|last| page >= last) {
                    return None;
                }
                request.set_query(param, &(page + 1).to_string());
                return Some(Ok(request));
            }
        };
        self.once(seen_key)?;
        Some(Ok(request))
    }

    /// `None` (the end) when the key was seen before; the next poll gives the error.
    fn once(&mut self, key: String) -> Option<()> {
        if self.seen.insert(key.clone()) {
            Some(())
        } else {
            self.next = Some(Err(Error::Protocol(format!(
                "the server gave the same next page twice (`{key}`); paging stopped"
            ))));
            None
        }
    }

    /// The request for a page the server linked to, on the answer's origin only (a link to
    /// another host would carry the credentials there).
    fn linked(
        &mut self,
        mut request: Request,
        answer: &Answer,
        link: &str,
    ) -> Option<Result<Request, Error<E>>> {
        let url = match answer.url.join(link) {
            Ok(url) if url.origin() == answer.url.origin() => url,
            _ => {
                return Some(Err(Error::Protocol(format!(
                    "the next page is at `{link}`, not on the server that answered"
                ))));
            }
        };
        self.once(url.to_string())?;
        request.url = Some(url);
        Some(Ok(request))
    }
}

// Nothing of a page is pinned: its future is boxed.
impl<T, H, E> Unpin for Pages<'_, T, H, E> {}

impl<'a, T, H, E: Send + 'a> futures_core::Stream for Pages<'a, T, H, E> {
    type Item = Result<Response<T, H>, Error<E>>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Response<T, H>, Error<E>>>> {
        let this = self.get_mut();
        if this.sending.is_none() {
            match this.next.take() {
                None => return std::task::Poll::Ready(None),
                Some(Err(e)) => return std::task::Poll::Ready(Some(Err(e))),
                Some(Ok(request)) => {
                    let answering = Box::pin(this.core.execute(request.clone(), this.documented));
                    this.sending = Some((request, answering));
                }
            }
        }
        let Some((_, answering)) = &mut this.sending else {
            return std::task::Poll::Ready(None);
        };
        let answer = std::task::ready!(answering.as_mut().poll(cx));
        let Some((request, _)) = this.sending.take() else {
            return std::task::Poll::Ready(None);
        };
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => return std::task::Poll::Ready(Some(Err(e))),
        };
        if (200..300).contains(&answer.status()) {
            if let Some(next) = this.advance(request, &answer) {
                this.next = Some(next);
            }
        }
        std::task::Poll::Ready(Some((this.read)(answer)))
    }
}

/// The items of a list, across its pages (see [`Pages`]).
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<'a, T, H, E, I> {
    pages: Pages<'a, T, H, E>,
    items: fn(T) -> Vec<I>,
    ready: std::vec::IntoIter<I>,
}

/// The items of the pages, each page's taken out of its body with `items`.
pub fn items<'a, T, H, E, I>(
    pages: Pages<'a, T, H, E>,
    items: fn(T) -> Vec<I>,
) -> Items<'a, T, H, E, I> {
    Items {
        pages,
        items,
        ready: Vec::new().into_iter(),
    }
}

impl<'a, T, H, E: Send + 'a, I> Items<'a, T, H, E, I> {
    /// The next item; `None` after the last page's last.
    pub async fn next(&mut self) -> Option<Result<I, Error<E>>> {
        std::future::poll_fn(|cx| {
            futures_core::Stream::poll_next(std::pin::Pin::new(&mut *self), cx)
        })
        .await
    }
}

// Nothing of an item is pinned: items are moved out of a list.
impl<T, H, E, I> Unpin for Items<'_, T, H, E, I> {}

impl<'a, T, H, E: Send + 'a, I> futures_core::Stream for Items<'a, T, H, E, I> {
    type Item = Result<I, Error<E>>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<I, Error<E>>>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.ready.next() {
                return std::task::Poll::Ready(Some(Ok(item)));
            }
            match std::task::ready!(futures_core::Stream::poll_next(
                std::pin::Pin::new(&mut this.pages),
                cx
            )) {
                Some(Ok(page)) => this.ready = (this.items)(page.body).into_iter(),
                Some(Err(e)) => return std::task::Poll::Ready(Some(Err(e))),
                None => return std::task::Poll::Ready(None),
            }
        }
    }
}

impl Request {
    /// Sets query parameter `name` to `value`, replacing the value it had.
    fn set_query(&mut self, name: &str, value: &str) {
        let name = encode(name);
        self.query.retain(|(n, _)| *n != name);
        self.query.push((name, encode(value)));
    }

    fn has_query(&self, name: &str) -> bool {
        let name = encode(name);
        self.query.iter().any(|(n, _)| *n == name)
    }

    fn query_number(&self, name: &str) -> Option<i64> {
        let name = encode(name);
        let (_, value) = self.query.iter().find(|(n, _)| *n == name)?;
        value.parse().ok()
    }
}

/// A cursor, id or URL as text: a string as it is, a number as written; `None` for anything
/// else or an empty string (no next page).
fn scalar_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The `rel="next"` target of a `Link` header value (RFC 8288): `<url>; rel="next"`, among
/// other links and parameters, `rel` holding one or more relation types.
fn next_link(header: &str) -> Option<String> {
    let mut rest = header;
    while let Some(start) = rest.find('<') {
        let end = start + rest[start..].find('>')?;
        let target = &rest[start + 1..end];
        let params_end = rest[end..].find(',').map_or(rest.len(), |i| end + i);
        let is_next = rest[end + 1..params_end].split(';').any(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target.to_string());
        }
        rest = &rest[params_end..];
    }
    None
}
