//! `avx::sync::SetOnce`: set once, wait for the value, errors and constructors.

use std::sync::Arc;

use avx::sync::{SetOnce, SetOnceError};

use super::sync_util::Polled;

rt_test! {
    async fn wait_completes_when_the_value_is_set() {
        let cell = SetOnce::new();
        let mut waiting = Polled::new(cell.wait());
        waiting.pending();
        cell.set(1).unwrap();
        assert!(waiting.is_woken());
        assert_eq!(*waiting.ready(), 1);
        assert_eq!(*cell.wait().await, 1);
    }
}

mt_test! {
    async fn a_task_waits_for_another_to_set() {
        static READY: SetOnce<u32> = SetOnce::const_new();
        let waiter = avx::spawn(async { *READY.wait().await });
        READY.set(20).unwrap();
        assert_eq!(waiter.await.unwrap(), 20);
    }
}

rt_test! {
    async fn set_twice_fails() {
        let cell = SetOnce::new();
        assert!(!cell.initialized());
        cell.set(1).unwrap();
        let err = cell.set(2).unwrap_err();
        assert_eq!(err, SetOnceError(2));
        assert_eq!(err.to_string(), "SetOnceError");
        assert_eq!(cell.get(), Some(&1));
    }
}

rt_test! {
    async fn cancelling_wait_is_harmless() {
        let cell = SetOnce::new();
        {
            let mut waiting = Polled::new(cell.wait());
            waiting.pending();
        }
        cell.set("v").unwrap();
        assert_eq!(*cell.wait().await, "v");
    }
}

rt_test! {
    async fn constructors_and_traits() {
        static PRESET: SetOnce<u8> = SetOnce::const_new_with(3);
        assert_eq!(*PRESET.wait().await, 3);
        assert!(PRESET.set(4).is_err());
        assert_eq!(SetOnce::new_with(Some(1)).into_inner(), Some(1));
        let cell = SetOnce::from(2);
        assert_eq!(cell.clone(), cell);
        assert_eq!(format!("{cell:?}"), "SetOnce { value: Some(2) }");
        assert_eq!(SetOnce::<u8>::default().get(), None);
    }
}

#[test]
fn set_once_is_send_and_sync() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    let cell = Arc::new(SetOnce::<String>::new());
    send_sync(&cell);
    send_sync(&cell.wait());
}
