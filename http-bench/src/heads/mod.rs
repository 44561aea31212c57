//! The request heads the parse benches read: shared by `benches/parse.rs` (criterion)
//! and avx-http-bench's quick measure, so both report on the same bytes.

/// A name for the report and the head's bytes, up to and including the blank line.
pub const HEADS: [(&str, &[u8]); 3] = [
    ("small-get", SMALL_GET),
    ("browser-get", BROWSER_GET),
    ("post-head", POST_HEAD),
];

/// What a load generator sends: wrk's default request, plus `Accept`.
pub const SMALL_GET: &[u8] = b"GET /plaintext HTTP/1.1\r\n\
Host: localhost:8080\r\n\
Accept: */*\r\n\
\r\n";

/// A browser's navigation request: 12 fields, cookies included.
pub const BROWSER_GET: &[u8] = b"GET /articles/2026/04/http-parsing?ref=home&page=2 HTTP/1.1\r\n\
Host: www.example.com\r\n\
Connection: keep-alive\r\n\
Cache-Control: max-age=0\r\n\
Upgrade-Insecure-Requests: 1\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n\
Sec-Fetch-Site: same-origin\r\n\
Sec-Fetch-Mode: navigate\r\n\
Referer: https://www.example.com/\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Accept-Language: en-GB,en;q=0.9,fr;q=0.8\r\n\
Cookie: session=8f2a1c9e4b7d3a6f0e5c2b9a8d7f6e5c; theme=dark; _ga=GA1.2.1234567890.1712345678\r\n\
\r\n";

/// An API call's head; its JSON body would follow.
pub const POST_HEAD: &[u8] = b"POST /api/v1/orders HTTP/1.1\r\n\
Host: api.example.com\r\n\
User-Agent: example-client/2.3.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
Content-Length: 187\r\n\
Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl\r\n\
X-Request-Id: 5f0c6d2e-8a47-4b1e-9c3d-2a7e1f6b8c90\r\n\
\r\n";
