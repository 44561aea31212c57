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
    // Outside any runtime both yield the same way (wake at once), so tokio's is
    // used whenever the native backend is not current.
    #[cfg(feature = "tokio")]
    if !avx_native::runtime::has_current() {
        return ::tokio::task::yield_now().await;
    }
    avx_native::task::yield_now().await
}
