// Uploads: request bodies read as they are sent. sdkgen appends this part
// (`templates/uploads.rs`) to the runtime only of an SDK with a binary request body; it needs
// reqwest's `stream` feature and tokio's `fs` and `io-util`.

/// A body to upload: bytes in memory, a file read as it is sent, or a stream of chunks, so a
/// large upload never sits whole in memory.
///
/// `&[u8]`, `&Vec<u8>`, `Vec<u8>` and `bytes::Bytes` convert into one, so a call written with
/// bytes still compiles. A file named by its path ([`Upload::path`]) is opened anew for each
/// attempt, so its call is retried like any other; an open file or a stream can be read only
/// once, so a call that sends one is never retried (nor sent again to follow a redirect that
/// keeps the body).
#[derive(Clone)]
pub struct Upload<'a> {
    source: Source<'a>,
    length: Option<u64>,
}

#[derive(Clone)]
enum Source<'a> {
    Borrowed(&'a [u8]),
    Owned(bytes::Bytes),
    Path(std::path::PathBuf),
    Once(std::sync::Arc<std::sync::Mutex<Option<Chunks>>>),
}

/// A body's chunks as they are read.
type Chunks = std::pin::Pin<
    Box<dyn futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send>,
>;

impl Upload<'_> {
    /// The file at `path`, read as it is sent and opened anew for each attempt. Its length is
    /// read from the file system when the request is made.
    pub fn path(path: impl Into<std::path::PathBuf>) -> Upload<'static> {
        Upload {
            source: Source::Path(path.into()),
            length: None,
        }
    }

    /// An open file, read from where it stands as it is sent: once (see [`Upload`]). Give its
    /// length with [`Upload::with_length`] to send `Content-Length` instead of chunks.
    pub fn file(file: tokio::fs::File) -> Upload<'static> {
        Upload::once(Box::pin(FileChunks {
            next: Some(read_next(Ok(file))),
        }))
    }

    /// A stream of chunks, read as it is sent: once (see [`Upload`]). Its length is unknown
    /// (the body is sent in chunks) unless [`Upload::with_length`] gives it.
    pub fn stream<S>(stream: S) -> Upload<'static>
    where
        S: futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static,
    {
        Upload::once(Box::pin(stream))
    }

    fn once(chunks: Chunks) -> Upload<'static> {
        Upload {
            source: Source::Once(std::sync::Arc::new(std::sync::Mutex::new(Some(chunks)))),
            length: None,
        }
    }

    /// The body's length in bytes, sent as `Content-Length` (the body must be exactly that
    /// long, or the server sees a broken request).
    pub fn with_length(mut self, length: u64) -> Self {
        self.length = Some(length);
        self
    }
}

impl fmt::Debug for Upload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Borrowed(bytes) => format!("{} bytes", bytes.len()),
            Source::Owned(bytes) => format!("{} bytes", bytes.len()),
            Source::Path(path) => format!("the file {}", path.display()),
            Source::Once(_) => "a stream".to_string(),
        };
        f.debug_tuple("Upload").field(&source).finish()
    }
}

impl<'a> From<&'a [u8]> for Upload<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Upload {
            source: Source::Borrowed(bytes),
            length: None,
        }
    }
}

impl<'a> From<&'a Vec<u8>> for Upload<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        Upload::from(bytes.as_slice())
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Upload<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        Upload::from(bytes.as_slice())
    }
}

impl From<Vec<u8>> for Upload<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        Upload::from(bytes::Bytes::from(bytes))
    }
}

impl From<bytes::Bytes> for Upload<'_> {
    fn from(bytes: bytes::Bytes) -> Self {
        Upload {
            source: Source::Owned(bytes),
            length: None,
        }
    }
}

impl Request {
    /// A binary body: bytes in memory as they are, a file or a stream read as it is sent.
    pub fn upload(&mut self, body: &Upload<'_>, content_type: &'static str) {
        let (open, replayable, length): (OpenBody, bool, Option<u64>) = match &body.source {
            Source::Borrowed(bytes) => return self.bytes(bytes, content_type),
            Source::Owned(bytes) => return self.bytes(bytes, content_type),
            Source::Path(path) => {
                let length = body
                    .length
                    .or_else(|| std::fs::metadata(path).ok().map(|m| m.len()));
                let path = path.clone();
                let open = move || {
                    let chunks = FileChunks {
                        next: Some(read_next(Err(path.clone()))),
                    };
                    Some(reqwest::Body::wrap_stream(chunks))
                };
                (std::sync::Arc::new(open), true, length)
            }
            Source::Once(chunks) => {
                let chunks = chunks.clone();
                let open = move || {
                    let stream = chunks.lock().ok()?.take()?;
                    Some(reqwest::Body::wrap_stream(stream))
                };
                (std::sync::Arc::new(open), false, body.length)
            }
        };
        let mut streamed = Body::new(content_type, Vec::new());
        streamed.stream = Some(open);
        streamed.replayable = replayable;
        streamed.length = length;
        self.body = Some(streamed);
    }
}

/// How much of a file one chunk holds.
const FILE_CHUNK: usize = 64 * 1024;

/// A file's chunks, opened (from its path) on the first read.
struct FileChunks {
    next: Option<ReadNext>,
}

type ReadNext = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = (
                    std::io::Result<Option<bytes::Bytes>>,
                    Option<tokio::fs::File>,
                ),
            > + Send,
    >,
>;

fn read_next(file: Result<tokio::fs::File, std::path::PathBuf>) -> ReadNext {
    Box::pin(async move {
        let mut file = match file {
            Ok(file) => file,
            Err(path) => match tokio::fs::File::open(&path).await {
                Ok(file) => file,
                Err(e) => return (Err(e), None),
            },
        };
        let mut chunk = vec![0; FILE_CHUNK];
        match tokio::io::AsyncReadExt::read(&mut file, &mut chunk).await {
            Ok(0) => (Ok(None), None),
            Ok(n) => {
                chunk.truncate(n);
                (Ok(Some(bytes::Bytes::from(chunk))), Some(file))
            }
            Err(e) => (Err(e), None),
        }
    })
}

impl futures_core::Stream for FileChunks {
    type Item = Result<bytes::Bytes, std::io::Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<bytes::Bytes, std::io::Error>>> {
        let this = self.get_mut();
        let Some(reading) = &mut this.next else {
            return std::task::Poll::Ready(None);
        };
        let (chunk, file) = std::task::ready!(reading.as_mut().poll(cx));
        this.next = None;
        std::task::Poll::Ready(match (chunk, file) {
            (Ok(Some(chunk)), Some(file)) => {
                this.next = Some(read_next(Ok(file)));
                Some(Ok(chunk))
            }
            (Ok(_), _) => None,
            (Err(e), _) => Some(Err(e)),
        })
    }
}
