//! The current-thread scheduler: every task runs on the thread inside `block_on`.
//!
//! The `Core` (run queue, driver) is owned by whichever thread is in `block_on`;
//! other threads reach the runtime through `Shared`: they push to the injection
//! queue and unpark the driver if it is parked. Tasks only run while some thread is
//! in `block_on`, as in tokio.
//!
//! The loop, per `event_interval` ticks:
//!
//! ```text
//! poll the block_on future if it was woken
//! run up to event_interval tasks (local queue first; the injection queue first
//!     every global_queue_interval ticks, so remote tasks are not starved)
//! nothing to run → park on the driver (until a wake, an I/O event or a timer)
//! after the batch → poll the driver without blocking, wake deferred yielders
//! ```

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering, fence};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::time::Duration;

use super::defer::Defer;
use super::inject::Inject;
use crate::blocking::BlockingSpawner;
use crate::runtime::ParkHooks;
use crate::runtime::context;
use crate::runtime::driver::{self, Driver};
use crate::runtime::info::Info;
use crate::runtime::park::ParkThread;
use crate::task::list::OwnedTasks;
use crate::task::{Id, JoinHandle, Notified, Schedule, Task};

type Queued = Notified<Arc<Handle>>;

/// The scheduler, owned by the `Runtime`.
pub(crate) struct CurrentThread {
    /// The core, while no thread is in `block_on`.
    core: Mutex<Option<Box<Core>>>,
    /// Threads waiting in `block_on` for the core to come back.
    waiting: Mutex<Vec<Waker>>,
}

/// What every thread can reach.
pub(crate) struct Handle {
    shared: Shared,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking: BlockingSpawner,
    pub(crate) info: Info,
    hooks: ParkHooks,
    event_interval: u32,
    global_queue_interval: u32,
}

struct Shared {
    inject: Inject<Queued>,
    owned: OwnedTasks<Arc<Handle>>,
    /// The `block_on` future was woken.
    woken: AtomicBool,
    /// The core's thread is (about to be) blocked in the driver, so a remote wake
    /// must unpark it.
    parked: AtomicBool,
}

/// Owned by the thread in `block_on`.
struct Core {
    tasks: VecDeque<Queued>,
    tick: u32,
    driver: Option<Driver>,
}

/// The scheduler context of the thread in `block_on`.
pub(crate) struct Context {
    handle: Arc<Handle>,
    core: RefCell<Option<Box<Core>>>,
    defer: Defer,
}

impl CurrentThread {
    pub(crate) fn new(
        driver: Driver,
        driver_handle: driver::Handle,
        blocking: BlockingSpawner,
        info: Info,
        hooks: ParkHooks,
        event_interval: u32,
        global_queue_interval: u32,
    ) -> (CurrentThread, Arc<Handle>) {
        let handle = Arc::new(Handle {
            shared: Shared {
                inject: Inject::new(),
                owned: OwnedTasks::new(1),
                woken: AtomicBool::new(false),
                parked: AtomicBool::new(false),
            },
            driver: driver_handle,
            blocking,
            info,
            hooks,
            event_interval: event_interval.max(1),
            global_queue_interval: global_queue_interval.max(1),
        });
        let core = Box::new(Core {
            tasks: VecDeque::with_capacity(64),
            tick: 0,
            driver: Some(driver),
        });
        let scheduler = CurrentThread {
            core: Mutex::new(Some(core)),
            waiting: Mutex::new(Vec::new()),
        };
        (scheduler, handle)
    }

    /// Runs `future` to completion, driving the scheduler meanwhile. If another
    /// thread is driving it, polls `future` here until that thread lets go of the
    /// core, then takes over.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(
        &self,
        handle: &super::Handle,
        ct_handle: &Arc<Handle>,
        future: F,
    ) -> F::Output {
        context::enter_runtime(handle, false, || {
            let mut future = pin!(future);
            let park = ParkThread::new();
            let waker = park.unparker().into_waker();
            let mut cx = TaskContext::from_waker(&waker);
            loop {
                if let Some(core) = self.take_core() {
                    let guard = CoreGuard {
                        scheduler: self,
                        cx: super::Context::CurrentThread(Context {
                            handle: ct_handle.clone(),
                            core: RefCell::new(Some(core)),
                            defer: Defer::new(),
                        }),
                    };
                    return context::set_scheduler(&guard.cx, || {
                        guard.cx.current_thread().run(future.as_mut())
                    });
                }
                // Someone else drives the scheduler: make progress on our future and
                // wait for either it or the core.
                {
                    let mut waiting = self.waiting.lock().unwrap();
                    if !waiting.iter().any(|w| w.will_wake(&waker)) {
                        waiting.push(waker.clone());
                    }
                }
                if let Poll::Ready(out) = crate::coop::budget(|| future.as_mut().poll(&mut cx)) {
                    return out;
                }
                if self.core.lock().unwrap().is_none() {
                    park.park();
                }
            }
        })
    }

    fn take_core(&self) -> Option<Box<Core>> {
        self.core.lock().unwrap().take()
    }

    fn put_core(&self, core: Box<Core>) {
        *self.core.lock().unwrap() = Some(core);
        for waker in std::mem::take(&mut *self.waiting.lock().unwrap()) {
            waker.wake();
        }
    }

    /// Cancels every task and shuts the driver down. Idempotent.
    pub(crate) fn shutdown(&self, handle: &super::Handle, ct_handle: &Arc<Handle>) {
        let Some(core) = self.take_core() else {
            if std::thread::panicking() {
                // Unwinding out of `block_on`: the core was lost with the stack.
                return;
            }
            // Runtime::drop holds the runtime; only `Handle::block_on` from another
            // thread can hold the core now, and it returns it when done.
            panic!("the runtime was dropped while another thread was in `Handle::block_on`");
        };
        // A runtime kept in a thread-local is dropped after this thread's context
        // is gone: it shuts down without becoming current.
        let _current = context::try_set_current(handle);
        let cx = super::Context::CurrentThread(Context {
            handle: ct_handle.clone(),
            core: RefCell::new(Some(core)),
            defer: Defer::new(),
        });
        context::set_scheduler_if_alive(&cx, || {
            let cx = cx.current_thread();
            ct_handle.shared.owned.close_and_shutdown_all();
            // Dropping futures can wake tasks: keep draining until nothing is left.
            ct_handle.shared.inject.close();
            loop {
                let task = cx
                    .core
                    .borrow_mut()
                    .as_mut()
                    .and_then(|core| core.tasks.pop_front())
                    .or_else(|| ct_handle.shared.inject.pop());
                match task {
                    Some(task) => drop(task),
                    None => break,
                }
            }
            debug_assert!(ct_handle.shared.owned.is_empty());
            let mut core = cx.core.borrow_mut().take().expect("core");
            if let Some(driver) = core.driver.as_mut() {
                driver.shutdown(&ct_handle.driver);
            }
            cx.defer.wake();
            // Keep the core (shut down) so a second shutdown finds it.
            self.put_core(core);
        });
    }
}

/// Returns the core to the scheduler when `block_on` ends, even by a panic.
struct CoreGuard<'a> {
    scheduler: &'a CurrentThread,
    cx: super::Context,
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        if let Some(core) = self.cx.current_thread().core.borrow_mut().take() {
            self.scheduler.put_core(core);
        }
    }
}

impl Context {
    /// Whether the core is here. (Borrowed, it is in use here.)
    pub(super) fn holds_core(&self) -> bool {
        self.core.try_borrow().map_or(true, |core| core.is_some())
    }

    fn run<F: Future>(&self, mut future: Pin<&mut F>) -> F::Output {
        let handle = &self.handle;
        let waker = Waker::from(handle.clone());
        let mut task_cx = TaskContext::from_waker(&waker);
        // Poll the future first, without waiting for a wake.
        handle.shared.woken.store(true, Ordering::Relaxed);

        'outer: loop {
            if handle.shared.woken.swap(false, Ordering::AcqRel) {
                let polled = crate::coop::budget(|| future.as_mut().poll(&mut task_cx));
                if let Poll::Ready(output) = polled {
                    return output;
                }
            }

            for _ in 0..handle.event_interval {
                let task = self.next_task();
                match task {
                    Some(task) => crate::coop::budget(|| task.run()),
                    None => {
                        if self.defer.is_empty() {
                            self.park();
                        } else {
                            self.park_yield();
                        }
                        continue 'outer;
                    }
                }
            }
            // Ready tasks all the way: still let the drivers run now and then.
            self.park_yield();
        }
    }

    fn next_task(&self) -> Option<Queued> {
        let mut core = self.core.borrow_mut();
        let core = core
            .as_mut()
            .expect("the core is in the context while block_on runs");
        core.tick = core.tick.wrapping_add(1);
        let inject = &self.handle.shared.inject;
        if core.tick % self.handle.global_queue_interval == 0 {
            inject.pop().or_else(|| core.tasks.pop_front())
        } else {
            core.tasks.pop_front().or_else(|| inject.pop())
        }
    }

    fn has_work(&self) -> bool {
        let shared = &self.handle.shared;
        shared.woken.load(Ordering::Relaxed)
            || !shared.inject.is_empty()
            // A waker deferred by the park hook (a `yield_now` polled there).
            || !self.defer.is_empty()
            || self
                .core
                .borrow()
                .as_ref()
                .is_some_and(|core| !core.tasks.is_empty())
    }

    /// Blocks in the driver until there is something to do.
    fn park(&self) {
        // With the core in the context: the hook may spawn, and then the check
        // below finds work and does not wait.
        self.handle.hooks.before_park();
        let mut driver = self.take_driver();
        let shared = &self.handle.shared;
        shared.parked.store(true, Ordering::Relaxed);
        // Pairs with the fence in `schedule_remote`/`wake`: either they see
        // `parked` and unpark us, or we see their work here.
        fence(Ordering::SeqCst);
        if self.has_work() {
            // Work arrived meanwhile; still give timers and I/O their turn, or a
            // block_on future that keeps waking itself would starve them.
            driver.park_timeout(&self.handle.driver, Duration::ZERO);
        } else {
            // Nothing else runs on this runtime: a paused clock may jump ahead,
            // unless the I/O and timers polled first gave a task work (tokio
            // auto-advances only when the runtime is idle after that poll).
            driver.park_idle(&self.handle.driver, &|| !self.has_work());
        }
        shared.parked.store(false, Ordering::Relaxed);
        self.put_driver(driver);
        self.defer.wake();
        self.handle.hooks.after_unpark();
    }

    /// Polls the driver without blocking.
    fn park_yield(&self) {
        let mut driver = self.take_driver();
        driver.park_timeout(&self.handle.driver, Duration::ZERO);
        self.put_driver(driver);
        self.defer.wake();
    }

    fn take_driver(&self) -> Driver {
        let mut core = self.core.borrow_mut();
        core.as_mut()
            .and_then(|core| core.driver.take())
            .expect("the driver is in the core while block_on runs")
    }

    fn put_driver(&self, driver: Driver) {
        if let Some(core) = self.core.borrow_mut().as_mut() {
            core.driver = Some(driver);
        }
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        self.defer.defer(waker);
    }
}

impl Handle {
    pub(crate) fn spawn<F>(me: &Arc<Handle>, future: F, id: Id) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = me.shared.owned.bind(future, me.clone(), id);
        if let Some(notified) = notified {
            me.schedule(notified);
        }
        join
    }

    fn schedule_remote(&self, task: Queued) {
        match self.shared.inject.push(task) {
            Ok(()) => self.unpark_if_parked(),
            // Shut down: the task was cancelled already; drop its reference.
            Err(task) => drop(task),
        }
    }

    fn unpark_if_parked(&self) {
        fence(Ordering::SeqCst);
        if self.shared.parked.load(Ordering::Relaxed) {
            self.driver.unpark();
        }
    }
}

impl Schedule for Arc<Handle> {
    fn schedule(&self, task: Queued) {
        context::with_scheduler(|cx| {
            if let Some(super::Context::CurrentThread(cx)) = cx {
                if Arc::ptr_eq(self, &cx.handle) {
                    if let Some(core) = cx.core.borrow_mut().as_mut() {
                        core.tasks.push_back(task);
                        return;
                    }
                }
            }
            self.schedule_remote(task);
        });
    }

    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.remove(task)
    }
}

/// The `block_on` future's waker.
impl Wake for Handle {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.shared.woken.store(true, Ordering::Release);
        self.unpark_if_parked();
    }
}
