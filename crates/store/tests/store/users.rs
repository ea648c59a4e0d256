//! Administering users: disabling, roles, session generations and one-time
//! password resets.

use footprint_domain::model::{Iro, IroId};
use footprint_store::{NewUser, Role, StoreError};

use crate::both;
use crate::common::Env;
use crate::fixtures::d;

async fn seed(env: &Env) {
    let s = &env.store;
    s.save_iro(&Iro {
        id: IroId("I1".into()),
        name: "Officer I1".into(),
        fte: 1.0,
        started: d("2020-01-01"),
        left: None,
    })
    .await
    .unwrap();
    for (name, role) in [("ada", Role::Analyst), ("bo", Role::Admin)] {
        s.add_user(&NewUser {
            name: name.into(),
            role,
            password_hash: "$argon2id$old".into(),
            iro: None,
        })
        .await
        .unwrap();
    }
}

async fn users_are_disabled_enabled_and_change_role(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let ada = s.user_by_name("ada").await.unwrap().unwrap();
    assert_eq!((ada.disabled_at, ada.session_generation), (None, 0));

    let off = s.set_user_disabled("ada", true).await.unwrap();
    assert!(off.disabled_at.is_some());
    assert_eq!(off.session_generation, 1, "disabling ends the sessions");
    let on = s.set_user_disabled("ada", false).await.unwrap();
    assert_eq!((on.disabled_at, on.session_generation), (None, 1));
    assert!(matches!(
        s.set_user_disabled("nobody", true).await,
        Err(StoreError::NotFound(_))
    ));

    let iro = IroId("I1".into());
    let changed = s.set_user_role("ada", Role::Iro, Some(&iro)).await.unwrap();
    assert_eq!(
        (changed.role, changed.iro.clone()),
        (Role::Iro, Some(iro.clone()))
    );
    // An IRO user names an IRO that exists; other roles name none.
    for (role, iro) in [
        (Role::Iro, None),
        (Role::Iro, Some(IroId("NOPE".into()))),
        (Role::Manager, Some(iro.clone())),
    ] {
        assert!(s.set_user_role("ada", role, iro.as_ref()).await.is_err());
    }
    assert_eq!(
        s.user_by_name("ada").await.unwrap().unwrap().role,
        Role::Iro,
        "a refused change leaves the user as they were"
    );
    let back = s.set_user_role("ada", Role::Manager, None).await.unwrap();
    assert_eq!((back.role, back.iro), (Role::Manager, None));

    let pw = s.set_password_hash("ada", "$argon2id$new").await.unwrap();
    assert_eq!(pw.password_hash, "$argon2id$new");
    assert_eq!(pw.session_generation, 2, "a new password ends the sessions");
}
both!(users_are_disabled_enabled_and_change_role);

async fn a_password_reset_works_once_until_it_expires(env: Env) {
    seed(&env).await;
    let s = &env.store;
    let now = 1_000_000;
    let first = s
        .issue_password_reset("ada", "hash-1", "bo", now + 60)
        .await
        .unwrap();
    assert_eq!(
        (first.user.as_str(), first.issued_by.as_str()),
        ("ada", "bo")
    );
    assert!(s.password_reset("hash-1", now).await.unwrap().is_some());
    // A newer reset spends the older one.
    s.issue_password_reset("ada", "hash-2", "bo", now + 60)
        .await
        .unwrap();
    assert!(s.password_reset("hash-1", now).await.unwrap().is_none());
    assert!(
        s.use_password_reset("hash-1", now, "$argon2id$x")
            .await
            .unwrap()
            .is_none()
    );
    // Expired: refused, nothing changed.
    assert!(
        s.password_reset("hash-2", now + 60)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        s.use_password_reset("hash-2", now + 60, "$argon2id$x")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        s.user_by_name("ada").await.unwrap().unwrap().password_hash,
        "$argon2id$old"
    );
    // In time: used once, the password set and the sessions ended.
    let used = s
        .use_password_reset("hash-2", now + 59, "$argon2id$new")
        .await
        .unwrap()
        .expect("the reset works");
    assert_eq!(used.password_hash, "$argon2id$new");
    assert_eq!(used.session_generation, 1);
    assert!(
        s.use_password_reset("hash-2", now, "$argon2id$again")
            .await
            .unwrap()
            .is_none(),
        "single use"
    );
    // A disabled user's reset does not work, and is not spent by trying.
    s.issue_password_reset("ada", "hash-3", "bo", now + 60)
        .await
        .unwrap();
    s.set_user_disabled("ada", true).await.unwrap();
    assert!(s.password_reset("hash-3", now).await.unwrap().is_none());
    assert!(
        s.use_password_reset("hash-3", now, "$argon2id$z")
            .await
            .unwrap()
            .is_none()
    );
    s.set_user_disabled("ada", false).await.unwrap();
    assert!(s.password_reset("hash-3", now).await.unwrap().is_some());
    assert!(matches!(
        s.issue_password_reset("nobody", "hash-4", "bo", now).await,
        Err(StoreError::NotFound(_))
    ));
    // The same code twice is refused by the database.
    assert!(
        s.issue_password_reset("bo", "hash-3", "bo", now + 60)
            .await
            .is_err()
    );
}
both!(a_password_reset_works_once_until_it_expires);
