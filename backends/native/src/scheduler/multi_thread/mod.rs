//! The multi-thread work-stealing scheduler.
//!
//! Each worker owns a `Core`: a fixed-size local run queue plus a LIFO slot. Tasks
//! scheduled from outside a worker go to a shared injection queue. An idle worker
//! steals half of a random victim's queue; one parked worker at a time blocks in
//! the shared driver, the others on a condvar. See `worker` for the loop, `idle`
//! for when a worker is woken, `park` for how.

mod handle;
mod idle;
mod park;
pub(crate) mod queue;
mod queue_interval;
mod worker;

pub(crate) use handle::Handle;
pub(crate) use worker::{Context, block_in_place};

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::blocking::BlockingSpawner;
use std::task::{Context as TaskContext, Poll};

use self::handle::{Remote, Shared};
use self::park::{Parker, SharedDriver};
use self::worker::{Core, Worker};
use crate::runtime::context;
use crate::runtime::driver::{self, Driver};
use crate::runtime::park::ParkThread;
use crate::scheduler::inject::Inject;
use crate::task::list::OwnedTasks;

/// The scheduler, owned by the `Runtime`. Its workers run on the blocking pool,
/// which is how the runtime waits for them at shutdown.
pub(crate) struct MultiThread;

pub(crate) struct Settings {
    pub(crate) num_workers: usize,
    pub(crate) hooks: crate::runtime::ParkHooks,
    pub(crate) event_interval: u32,
    /// `None`: tuned by each worker (see `queue_interval`).
    pub(crate) global_queue_interval: Option<u32>,
}

impl MultiThread {
    pub(crate) fn new(
        driver: Driver,
        driver_handle: driver::Handle,
        blocking: BlockingSpawner,
        info: crate::runtime::info::Info,
        settings: Settings,
    ) -> std::io::Result<(MultiThread, Arc<Handle>)> {
        let num_workers = settings.num_workers.max(1);
        let shared_driver = SharedDriver::new(driver);
        let mut remotes = Vec::with_capacity(num_workers);
        let mut cores = Vec::with_capacity(num_workers);
        for index in 0..num_workers {
            let (steal, run_queue) = queue::local();
            let park = Parker::new(shared_driver.clone());
            remotes.push(Remote {
                steal,
                unpark: park.unparker(),
            });
            cores.push(Core::new(
                index,
                run_queue,
                park,
                settings.global_queue_interval,
            ));
        }
        let handle = Arc::new(Handle {
            shared: Shared {
                remotes: remotes.into_boxed_slice(),
                inject: Inject::new(),
                idle: idle::Idle::new(num_workers),
                owned: OwnedTasks::new(num_workers * 4),
                shutdown_cores: Mutex::new(Vec::with_capacity(num_workers)),
                busy_block_on: AtomicUsize::new(0),
                hooks: settings.hooks,
                event_interval: settings.event_interval.max(1),
                driver: shared_driver,
            },
            driver: driver_handle,
            blocking,
            info,
        });
        for core in cores {
            let worker = Worker::new(handle.clone(), core);
            if let Err(e) = launch(&handle, worker) {
                // Stop the workers already started; they shut the rest down.
                handle.begin_shutdown();
                return Err(e);
            }
        }
        Ok((MultiThread, handle))
    }

    /// Runs `future` on this thread (not a worker); the workers run the tasks.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(
        &self,
        handle: &crate::scheduler::Handle,
        mt: &Arc<Handle>,
        future: F,
    ) -> F::Output {
        context::enter_runtime(handle, true, || {
            let park = ParkThread::new();
            let waker = park.unparker().into_waker();
            let mut cx = TaskContext::from_waker(&waker);
            let mut future = pin!(future);
            let busy = &mt.shared.busy_block_on;
            loop {
                busy.fetch_add(1, Ordering::SeqCst);
                let polled = crate::coop::budget(|| future.as_mut().poll(&mut cx));
                busy.fetch_sub(1, Ordering::SeqCst);
                if let Poll::Ready(output) = polled {
                    return output;
                }
                if mt.driver.is_clock_paused() && mt.is_idle() {
                    // The workers may all be idle waiting for this future: let the
                    // one in the driver reconsider advancing the paused clock.
                    mt.driver.unpark();
                }
                park.park();
            }
        })
    }

    /// Stops the workers; they cancel every task on their way out. The runtime
    /// waits for them by shutting the blocking pool down.
    pub(crate) fn shutdown(&self, mt: &Arc<Handle>) {
        mt.begin_shutdown();
    }
}

impl Handle {
    fn shutdown_driver(&self) {
        self.shared.driver.shutdown(&self.driver);
    }
}

/// Starts a thread running `worker` (at start, or a `block_in_place` hand-off).
fn launch(handle: &Handle, worker: Arc<Worker>) -> std::io::Result<()> {
    crate::blocking::spawn_thread(&handle.blocking, move || worker::run(worker))
}
