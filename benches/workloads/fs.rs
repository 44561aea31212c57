//! The file-system workload: many small reads through `fs::read`, which runs each
//! on the contender's blocking pool. Its floor (`floor_run`) does the same reads
//! with `std::fs::read` on one thread.

macro_rules! fs_workloads {
    ($krate:ident) => {
        async fn fs_read_small(n: usize) {
            let files = $crate::small_files();
            let readers = $crate::workloads::FS_READERS;
            let handles: Vec<_> = (0..readers)
                .map(|r| {
                    $krate::spawn(async move {
                        let mut bytes = 0;
                        // Reader r reads files r, r + readers, r + 2 * readers, ...
                        for i in (r..n).step_by(readers) {
                            bytes += $krate::fs::read(files.path(i)).await.unwrap().len();
                        }
                        bytes
                    })
                })
                .collect();
            let mut bytes = 0;
            for handle in handles {
                bytes += handle.await.unwrap();
            }
            assert_eq!(bytes, n * $crate::SMALL_FILE_BYTES);
        }
    };
}
