//! `yield_now`.

/// Yields to the runtime: the task is put back behind every other ready task, and
/// resumes only after those, and the I/O and timer drivers, have had their turn.
///
/// ```
/// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// avx::task::yield_now().await;
/// # });
/// ```
pub async fn yield_now() {
    #[cfg(feature = "tokio")]
    if !avx_native::runtime::has_current() && ::tokio::runtime::Handle::try_current().is_ok() {
        return ::tokio::task::yield_now().await;
    }
    avx_native::task::yield_now().await
}
