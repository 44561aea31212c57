//! Bodies of several MiB both ways, streamed: uploads from a channel (chunked) and
//! from memory (Content-Length), downloads read piece by piece.

use avx_http::StatusCode;
use avx_http::client::{Body, Client};
use avx_http::server::ServerConfig;

use crate::common::{TestServer, pattern};

const SIZE: usize = 6 * 1024 * 1024;

/// The largest piece a download may come in: reads are bounded, so a body of any
/// size passes through in bounded memory.
const MAX_PIECE: usize = 64 * 1024;

/// Reads `body` piece by piece, checking each against `expected`.
async fn read_checked(body: &mut avx_http::client::ResponseBody, expected: &[u8]) {
    let mut offset = 0;
    while let Some(piece) = body.data().await {
        let piece = piece.unwrap();
        assert!(
            !piece.is_empty() && piece.len() <= MAX_PIECE,
            "{}",
            piece.len()
        );
        assert!(
            piece[..] == expected[offset..offset + piece.len()],
            "at {offset}"
        );
        offset += piece.len();
    }
    assert_eq!(offset, expected.len());
}

client_test! {
    async fn streamed_upload_and_echo() {
        let server = TestServer::start().await;
        let client = Client::new();
        let data = pattern(SIZE);

        let (sender, body) = Body::channel(4);
        let feed = data.clone();
        avx::spawn(async move {
            for piece in feed.chunks(100_000) {
                sender.send_data(piece.to_vec()).await.unwrap();
            }
        });
        let response = client.post(&server.url("/len"), body).await.unwrap();
        assert_eq!(response.into_body().to_bytes(64).await.unwrap(), SIZE.to_string());

        // The server echoes as it reads. The client sends the whole body before it
        // reads the response's, so the echo must fit the sockets' buffers.
        let data = pattern(1 << 20);
        let (sender, body) = Body::channel(4);
        let feed = data.clone();
        avx::spawn(async move {
            for piece in feed.chunks(50_000) {
                sender.send_data(piece.to_vec()).await.unwrap();
            }
        });
        let response = client.post(&server.url("/echo"), body).await.unwrap();
        let mut body = response.into_body();
        read_checked(&mut body, &data).await;
        assert_eq!(server.accepted(), 1);
    }
}

client_test! {
    async fn upload_from_memory() {
        let server = TestServer::start().await;
        let client = Client::new();
        let response = client.post(&server.url("/len"), pattern(SIZE)).await.unwrap();
        assert_eq!(response.into_body().to_bytes(64).await.unwrap(), SIZE.to_string());
        let response = client.post(&server.url("/headers"), pattern(SIZE)).await.unwrap();
        let seen = response.into_body().to_bytes(256).await.unwrap();
        assert!(seen.ends_with(format!("|{SIZE}|").as_bytes()), "{seen:?}");
    }
}

client_test! {
    async fn downloads_read_piece_by_piece() {
        let server = TestServer::start().await;
        let client = Client::new();
        let data = pattern(SIZE);
        for path in [format!("/sized?{SIZE}"), format!("/stream?{SIZE}")] {
            let response = client.get(&server.url(&path)).await.unwrap();
            let mut body = response.into_body();
            read_checked(&mut body, &data).await;
        }
        assert_eq!(server.accepted(), 1);
        assert_eq!(client.idle_connections(), 1);
    }
}

client_test! {
    async fn an_early_refusal_stops_the_upload() {
        let mut config = ServerConfig::default();
        config.limits.max_body_size = Some(1000);
        let server = TestServer::start_with(config, None).await;
        let client = Client::new();
        // Refused from its Content-Length, before a byte of it is read.
        let response = client.post(&server.url("/len"), pattern(SIZE)).await.unwrap();
        assert_eq!(response.status(), StatusCode::CONTENT_TOO_LARGE);
        // Streamed: refused once past the limit, while the client is still sending.
        let (sender, body) = Body::channel(4);
        avx::spawn(async move {
            for piece in pattern(SIZE).chunks(64 * 1024) {
                if sender.send_data(piece.to_vec()).await.is_err() {
                    return;
                }
            }
        });
        let response = client.post(&server.url("/len"), body).await.unwrap();
        assert_eq!(response.status(), StatusCode::CONTENT_TOO_LARGE);
        response.into_body().to_bytes(1024).await.unwrap();
        assert_eq!(client.idle_connections(), 0, "the server closed both");
    }
}
