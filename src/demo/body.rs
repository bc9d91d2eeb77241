//! Response bodies of the fixture server: whole files, and the slow, endless,
//! huge or hostile bodies that `_routes.toml` asks for.
//!
//! Every body is wrapped in [`Tracked`], which holds the in-flight guard until
//! the server has finished sending it (or dropped it).

use bytes::Bytes;
use futures::{Stream, StreamExt, stream};
use http_body::{Body as HttpBody, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The body type of every response.
pub type Body = UnsyncBoxBody<Bytes, io::Error>;

/// A complete body of known length (hyper sends `Content-Length`).
pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// An empty body.
pub fn empty() -> Body {
    full(Bytes::new())
}

/// A streamed body; its length is unknown to hyper, so it is sent chunked
/// unless the response carries an explicit `Content-Length`.
pub fn streamed<S>(s: S) -> Body
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    StreamBody::new(s.map(|r| r.map(Frame::data))).boxed_unsync()
}

/// The bytes as one chunk, then a short pause before the end, so that a
/// response whose declared length is wrong still reaches the client before
/// hyper notices the mismatch and closes the connection.
pub fn lingering(bytes: Bytes) -> Body {
    streamed(
        stream::once(async move { Ok(bytes) }).chain(stream::once(async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(Bytes::new())
        })),
    )
}

/// The same bytes, one byte every `every`.
pub fn drip(bytes: Bytes, every: Duration) -> Body {
    streamed(stream::unfold(0usize, move |i| {
        let bytes = bytes.clone();
        async move {
            if i >= bytes.len() {
                return None;
            }
            tokio::time::sleep(every).await;
            Some((Ok(bytes.slice(i..i + 1)), i + 1))
        }
    }))
}

const FILLER: &str = "<p>示范市知识产权局 政府信息公开 填充内容 filler text for size tests.</p>\n";

fn filler_chunk() -> Bytes {
    let mut s = String::with_capacity(64 * 1024 + FILLER.len());
    while s.len() < 64 * 1024 {
        s.push_str(FILLER);
    }
    Bytes::from(s)
}

/// An HTML page that never ends.
pub fn endless() -> Body {
    let head = Bytes::from_static(
        b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>\xe6\x97\xa0\xe5\xb0\xbd\xe9\xa1\xb5\xe9\x9d\xa2</title></head><body>\n",
    );
    let chunk = filler_chunk();
    streamed(
        stream::once(async move { Ok(head) }).chain(stream::repeat_with(move || Ok(chunk.clone()))),
    )
}

/// Exactly `n` bytes of generated HTML (an HTML head, then filler paragraphs).
/// Streamed; the caller sets `Content-Length`.
pub fn generated_html(n: u64) -> Body {
    let head = Bytes::from_static(
        b"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>big</title></head><body>\n",
    );
    let chunk = filler_chunk();
    streamed(stream::unfold((0u64, true), move |(sent, first)| {
        let piece = if first { head.clone() } else { chunk.clone() };
        async move {
            if sent >= n {
                return None;
            }
            let take = (n - sent).min(piece.len() as u64) as usize;
            Some((Ok(piece.slice(..take)), (sent + take as u64, false)))
        }
    }))
}

/// `n` deterministic pseudo-random bytes (xorshift), NULs and invalid UTF-8 included.
pub fn noise(n: usize) -> Bytes {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        for b in x.to_le_bytes() {
            if out.len() < n {
                out.push(b);
            }
        }
    }
    Bytes::from(out)
}

/// Size of a gzip bomb once inflated.
pub const GZIP_BOMB_INFLATED: usize = 256 * 1024 * 1024;

/// A gzip stream that inflates to [`GZIP_BOMB_INFLATED`] bytes of an HTML
/// page padded with spaces (about 250 KiB compressed). CPU-heavy: build it once
/// on a blocking thread.
pub fn gzip_bomb_bytes() -> io::Result<Bytes> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let head = b"<!DOCTYPE html><html><head><title>bomb</title></head><body>";
    enc.write_all(head)?;
    let spaces = vec![b' '; 1024 * 1024];
    let mut left = GZIP_BOMB_INFLATED - head.len();
    while left > 0 {
        let n = left.min(spaces.len());
        enc.write_all(&spaces[..n])?;
        left -= n;
    }
    Ok(Bytes::from(enc.finish()?))
}

/// A body that keeps a guard alive until it is finished or dropped.
pub struct Tracked<G> {
    inner: Body,
    _guard: G,
}

impl<G> Tracked<G> {
    /// Wraps `inner`; `guard` is dropped with the body.
    pub fn new(inner: Body, guard: G) -> Self {
        Tracked {
            inner,
            _guard: guard,
        }
    }
}

impl<G: Unpin> HttpBody for Tracked<G> {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(b: Body) -> Bytes {
        b.collect().await.unwrap().to_bytes()
    }

    #[tokio::test]
    async fn generated_html_has_exact_length() {
        for n in [0u64, 10, 64 * 1024, 200_001] {
            let b = collect(generated_html(n)).await;
            assert_eq!(b.len() as u64, n);
        }
        let b = collect(generated_html(300)).await;
        assert!(b.starts_with(b"<!DOCTYPE html>"));
    }

    #[test]
    fn noise_is_deterministic_and_not_utf8() {
        let a = noise(4096);
        assert_eq!(a, noise(4096));
        assert_eq!(a.len(), 4096);
        assert!(std::str::from_utf8(&a).is_err());
    }

    #[tokio::test]
    async fn endless_keeps_going() {
        let mut b = endless();
        let mut total = 0;
        while total < 1024 * 1024 {
            let f = b.frame().await.unwrap().unwrap();
            total += f.into_data().unwrap().len();
        }
    }
}
