//! One client shared by many tasks.

use std::sync::Arc;

use avx_http::client::Client;

use crate::common::TestServer;

const TASKS: usize = 32;
const REQUESTS_PER_TASK: usize = 4;

client_test! {
    async fn thirty_two_tasks_share_one_client() {
        let server = Arc::new(TestServer::start().await);
        let client = Client::new();
        let mut tasks = avx::task::JoinSet::new();
        for task in 0..TASKS {
            let (client, server) = (client.clone(), Arc::clone(&server));
            tasks.spawn(async move {
                for request in 0..REQUESTS_PER_TASK {
                    let sent = format!("task {task} request {request}");
                    let response = client.post(&server.url("/echo"), sent.clone()).await.unwrap();
                    let echoed = response.into_body().to_bytes(1024).await.unwrap();
                    assert_eq!(echoed, sent);
                }
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.unwrap();
        }
        let accepted = server.accepted();
        assert!((1..=TASKS).contains(&accepted), "{accepted} connections");
        assert!(client.idle_connections() <= accepted);
    }
}
